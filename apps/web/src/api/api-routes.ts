/**
 * Every route the web UI calls. `live` routes must be in the server's OpenAPI document (a test checks
 * it); `planned` routes follow DESIGN.md and are being built, and their pages show an empty state
 * while the server answers 404 ROUTE_NOT_FOUND.
 */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI path template, e.g. /api/v1/users/{id}. */
  path: string;
  status: 'live' | 'planned';
}

const live = (method: ApiRoute['method'], path: string): ApiRoute => ({ method, path, status: 'live' });
const planned = (method: ApiRoute['method'], path: string): ApiRoute => ({ method, path, status: 'planned' });

export const apiRoutes = {
  register: live('POST', '/api/v1/auth/register'),
  login: live('POST', '/api/v1/auth/login'),
  logout: live('POST', '/api/v1/auth/logout'),
  refresh: live('POST', '/api/v1/auth/refresh'),
  me: live('GET', '/api/v1/auth/me'),
  csrf: live('GET', '/api/v1/auth/csrf'),
  acceptInvitation: live('POST', '/api/v1/auth/invitations/accept'),
  ssoProviders: live('GET', '/api/v1/auth/sso'),
  ssoStart: live('GET', '/api/v1/auth/sso/oidc/start'),
  listUsers: live('GET', '/api/v1/users'),
  updateUser: live('PATCH', '/api/v1/users/{id}'),
  listInvitations: live('GET', '/api/v1/invitations'),
  createInvitation: live('POST', '/api/v1/invitations'),
  revokeInvitation: live('DELETE', '/api/v1/invitations/{id}'),
  listApiKeys: live('GET', '/api/v1/api-keys'),
  createApiKey: live('POST', '/api/v1/api-keys'),
  revokeApiKey: live('DELETE', '/api/v1/api-keys/{id}'),
  listAgentClients: live('GET', '/api/v1/agent-clients'),
  createAgentClient: live('POST', '/api/v1/agent-clients'),
  revokeAgentClient: live('DELETE', '/api/v1/agent-clients/{id}'),
  getConfig: live('GET', '/api/v1/config'),
  putConfig: live('PUT', '/api/v1/config'),
  exportConfig: live('GET', '/api/v1/config/export'),
  importConfig: live('POST', '/api/v1/config/import'),
  listAudit: live('GET', '/api/v1/audit'),
  verifyAudit: live('GET', '/api/v1/audit/verify'),
  exportAudit: live('GET', '/api/v1/audit/export'),

  listApps: planned('GET', '/api/v1/apps'),
  getApp: planned('GET', '/api/v1/apps/{id}'),
  listFiles: planned('GET', '/api/v1/apps/{id}/versions/{version}/files'),
  getFile: planned('GET', '/api/v1/apps/{id}/versions/{version}/files/{path}'),
  listReports: planned('GET', '/api/v1/apps/{id}/versions/{version}/reports'),
  listReviews: planned('GET', '/api/v1/apps/{id}/reviews'),
  putReview: planned('PUT', '/api/v1/apps/{id}/reviews/mine'),
  distribute: planned('POST', '/api/v1/apps/{id}/versions/{version}/distribute'),
  createRequest: planned('POST', '/api/v1/requests'),
  getRequest: planned('GET', '/api/v1/requests/{id}'),
  startConversation: planned('POST', '/api/v1/conversations'),
  sendMessage: planned('POST', '/api/v1/conversations/{id}/messages'),
  listDeployments: planned('GET', '/api/v1/deployments'),
  rollbackDeployment: planned('POST', '/api/v1/deployments/{id}/rollback'),
  removeDeployment: planned('DELETE', '/api/v1/deployments/{id}'),
  createEnrollment: planned('POST', '/api/v1/agents/enrollments'),
  analytics: planned('GET', '/api/v1/analytics'),
} satisfies Record<string, ApiRoute>;

export type RouteName = keyof typeof apiRoutes;

/** The concrete URL of a route: `{name}` placeholders filled in, each value URL-encoded. */
export function routePath(name: RouteName, params: Record<string, string> = {}): string {
  return apiRoutes[name].path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`routePath(${name}): missing the "${key}" parameter`);
    return key === 'path' ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
  });
}
