import { ApiClient, type RequestOptions } from './api-client';
import { apiRoutes, routePath, type RouteName } from './api-routes';

export interface CallOptions extends Omit<RequestOptions, 'body'> {
  params?: Record<string, string>;
  body?: unknown;
}

let sessionLost: () => void = () => {};
/** The UI registers what happens when the session is gone (back to sign-in). */
export function onSessionLost(handler: () => void) {
  sessionLost = handler;
}

export const api = new ApiClient({ onSessionLost: () => sessionLost() });

/** Call a route of the table by name: its method and path come from apiRoutes, so the OpenAPI test covers it. */
export function callRoute<T>(name: RouteName, options: CallOptions = {}, client: ApiClient = api): Promise<T> {
  const { params, ...rest } = options;
  return client.request<T>(apiRoutes[name].method, routePath(name, params), rest);
}
