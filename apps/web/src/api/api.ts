import { ApiClient, type RequestOptions } from './api-client';
import { apiRoutes, routePath, type RouteName } from './api-routes';
import { readTurn } from './turn-stream';
import type { ConversationTurn } from './types';

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

/** Send a conversation message asking for a streamed reply; `onDelta` gets the reply text as it is written. */
export async function streamTurn(name: 'startConversation' | 'sendMessage', options: { params?: Record<string, string>; body: unknown; signal?: AbortSignal }, onDelta: (text: string) => void, client: ApiClient = api): Promise<ConversationTurn> {
  const response = await client.respond(apiRoutes[name].method, routePath(name, options.params), { body: options.body, accept: 'text/event-stream, application/json', ...(options.signal ? { signal: options.signal } : {}) });
  return readTurn(response, onDelta);
}
