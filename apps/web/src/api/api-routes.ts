/**
 * Every route the web UI calls; each must be in the server's OpenAPI document with the same method
 * and path (a test checks it). Against an older server that lacks one, the page shows an empty state
 * on 404 ROUTE_NOT_FOUND instead of an error.
 */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI path template, e.g. /api/v1/users/{id}. */
  path: string;
}

/** Method and path kept as literal types, so apps/web/src/api/contract.ts can look each route up in the OpenAPI types. */
const live = <M extends ApiRoute['method'], P extends string>(method: M, path: P) => ({ method, path });

export const apiRoutes = {
  register: live('POST', '/api/v1/auth/register'),
  login: live('POST', '/api/v1/auth/login'),
  changePassword: live('POST', '/api/v1/auth/password'),
  requestPasswordReset: live('POST', '/api/v1/auth/password-reset'),
  confirmPasswordReset: live('POST', '/api/v1/auth/password-reset/confirm'),
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
  listQuarantinedMail: live('GET', '/api/v1/mail-quarantine'),
  quarantinedMailRaw: live('GET', '/api/v1/mail-quarantine/{id}/raw'),
  releaseQuarantinedMail: live('POST', '/api/v1/mail-quarantine/{id}/release'),
  deleteQuarantinedMail: live('DELETE', '/api/v1/mail-quarantine/{id}'),
  listOutgoingMail: live('GET', '/api/v1/outgoing-mail'),
  translateDraft: live('POST', '/api/v1/messages/{id}/translate'),
  listMailTemplates: live('GET', '/api/v1/mail-templates'),
  getMailTemplate: live('GET', '/api/v1/mail-templates/{kind}/{language}'),
  putMailTemplate: live('PUT', '/api/v1/mail-templates/{kind}/{language}'),
  resetMailTemplate: live('DELETE', '/api/v1/mail-templates/{kind}/{language}'),
  previewMailTemplate: live('POST', '/api/v1/mail-templates/{kind}/{language}/preview'),
  listApiKeys: live('GET', '/api/v1/api-keys'),
  createApiKey: live('POST', '/api/v1/api-keys'),
  revokeApiKey: live('DELETE', '/api/v1/api-keys/{id}'),
  listFeedTokens: live('GET', '/api/v1/feed-tokens'),
  createFeedToken: live('POST', '/api/v1/feed-tokens'),
  revokeFeedToken: live('DELETE', '/api/v1/feed-tokens/{id}'),
  listWebhooks: live('GET', '/api/v1/webhooks'),
  createWebhook: live('POST', '/api/v1/webhooks'),
  updateWebhook: live('PATCH', '/api/v1/webhooks/{id}'),
  deleteWebhook: live('DELETE', '/api/v1/webhooks/{id}'),
  testWebhook: live('POST', '/api/v1/webhooks/{id}/test'),
  rotateWebhookSecret: live('POST', '/api/v1/webhooks/{id}/rotate-secret'),
  listWebhookDeliveries: live('GET', '/api/v1/webhooks/{id}/deliveries'),
  replayWebhookDelivery: live('POST', '/api/v1/webhook-deliveries/{id}/replay'),
  listAgentClients: live('GET', '/api/v1/agent-clients'),
  createAgentClient: live('POST', '/api/v1/agent-clients'),
  revokeAgentClient: live('DELETE', '/api/v1/agent-clients/{id}'),
  getConfig: live('GET', '/api/v1/config'),
  putConfig: live('PUT', '/api/v1/config'),
  listApprovals: live('GET', '/api/v1/approvals'),
  approveApproval: live('POST', '/api/v1/approvals/{id}/approve'),
  rejectApproval: live('POST', '/api/v1/approvals/{id}/reject'),
  exportConfig: live('GET', '/api/v1/config/export'),
  importConfig: live('POST', '/api/v1/config/import'),
  listAudit: live('GET', '/api/v1/audit'),
  listMessages: live('GET', '/api/v1/messages'),
  getMessage: live('GET', '/api/v1/messages/{id}'),
  replyToMessage: live('POST', '/api/v1/messages/{id}/reply'),
  listMailAnalyses: live('GET', '/api/v1/mail-analyses'),
  getMailRules: live('GET', '/api/v1/mail-rules'),
  saveMailRules: live('PUT', '/api/v1/mail-rules'),
  verifyAudit: live('GET', '/api/v1/audit/verify'),
  exportAudit: live('GET', '/api/v1/audit/export'),

  listApps: live('GET', '/api/v1/apps'),
  getApp: live('GET', '/api/v1/apps/{id}'),
  getAppGitRepository: live('GET', '/api/v1/apps/{id}/git'),
  getVersion: live('GET', '/api/v1/apps/{id}/versions/{version}'),
  listAppOwners: live('GET', '/api/v1/apps/{id}/owners'),
  addAppOwner: live('POST', '/api/v1/apps/{id}/owners'),
  removeAppOwner: live('DELETE', '/api/v1/apps/{id}/owners/{ownerId}'),
  listFiles: live('GET', '/api/v1/apps/{id}/versions/{version}/files'),
  getFile: live('GET', '/api/v1/apps/{id}/versions/{version}/file'),
  downloadBundle: live('GET', '/api/v1/apps/{id}/versions/{version}/bundle'),
  downloadRelease: live('GET', '/api/v1/apps/{id}/versions/{version}/release'),
  listReviews: live('GET', '/api/v1/apps/{id}/reviews'),
  putReview: live('PUT', '/api/v1/apps/{id}/reviews/mine'),
  distribute: live('POST', '/api/v1/apps/{id}/versions/{version}/distribute'),
  createRequest: live('POST', '/api/v1/requests'),
  getRequest: live('GET', '/api/v1/requests/{id}'),
  startConversation: live('POST', '/api/v1/conversations'),
  sendMessage: live('POST', '/api/v1/conversations/{id}/messages'),
  buildConversation: live('POST', '/api/v1/conversations/{id}/build'),
  getConversation: live('GET', '/api/v1/conversations/{id}'),
  listConversations: live('GET', '/api/v1/conversations'),
  listMailConfirmations: live('GET', '/api/v1/mail-confirmations'),
  confirmMail: live('POST', '/api/v1/mail-confirmations/{id}/confirm'),
  rejectMail: live('DELETE', '/api/v1/mail-confirmations/{id}'),
  listDeployments: live('GET', '/api/v1/deployments'),
  getDeployment: live('GET', '/api/v1/deployments/{id}'),
  listAgents: live('GET', '/api/v1/agents'),
  revokeAgent: live('DELETE', '/api/v1/agents/{id}'),
  createEnrollment: live('POST', '/api/v1/agents/enrollments'),
  listGroups: live('GET', '/api/v1/groups'),
  createGroup: live('POST', '/api/v1/groups'),
  updateGroup: live('PUT', '/api/v1/groups/{id}'),
  deleteGroup: live('DELETE', '/api/v1/groups/{id}'),
  getKeys: live('GET', '/api/v1/keys'),
  rotateKey: live('POST', '/api/v1/keys/rotate'),
  revokeKey: live('POST', '/api/v1/keys/{keyId}/revoke'),
  getLlmProviders: live('GET', '/api/v1/llm/providers'),
  putLlmProviders: live('PUT', '/api/v1/llm/providers'),
  getLlmModels: live('GET', '/api/v1/llm/models'),
  getLlmUsage: live('GET', '/api/v1/llm/usage'),
  rollbackDeployment: live('POST', '/api/v1/deployments/{id}/rollback'),
  removeDeployment: live('DELETE', '/api/v1/deployments/{id}'),
  redeployDeployment: live('POST', '/api/v1/deployments/{id}/redeploy'),
  analytics: live('GET', '/api/v1/analytics'),
  events: live('GET', '/api/v1/events'),
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
