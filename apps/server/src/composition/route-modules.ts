import campaignsRoutes from '../modules/campaigns/campaigns-routes.js';
import type { FastifyPluginAsync } from 'fastify';
import healthRoutes from '../modules/health/health-routes.js';
import authRoutes from '../modules/auth/auth-routes.js';
import ssoRoutes from '../modules/auth/sso-routes.js';
import accountsRoutes from '../modules/accounts/accounts-routes.js';
import passwordRoutes from '../modules/accounts/password-routes.js';
import apiKeysRoutes from '../modules/credentials/api-keys-routes.js';
import agentClientsRoutes from '../modules/credentials/agent-clients-routes.js';
import auditRoutes from '../modules/audit/audit-routes.js';
import settingsRoutes from '../modules/settings/settings-routes.js';
import jobsRoutes from '../modules/jobs/jobs-routes.js';
import requestsRoutes from '../modules/pipeline/requests-routes.js';
import catalogRoutes from '../modules/catalog/catalog-routes.js';
import distributionRoutes from '../modules/distribution/distribution-routes.js';
import groupsRoutes from '../modules/groups/groups-routes.js';
import reviewsRoutes from '../modules/catalog/reviews-routes.js';
import appOwnersRoutes from '../modules/catalog/app-owners-routes.js';
import orgKeysRoutes from '../modules/org-keys/org-keys-routes.js';
import agentsRoutes from '../modules/agents/agents-routes.js';
import agentReportsRoutes from '../modules/agents/agent-reports-routes.js';
import deploymentsRoutes from '../modules/deployments/deployments-routes.js';
import deploymentCommandsRoutes from '../modules/deployments/deployment-commands-routes.js';
import deploymentHistoryRoutes from '../modules/deployments/deployment-history-routes.js';
import redeployRoutes from '../modules/distribution/redeploy-routes.js';
import conversationRoutes from '../modules/conversations/conversation-routes.js';
import mailConfirmationRoutes from '../modules/conversations/mail-confirmation-routes.js';
import llmSettingsRoutes from '../modules/llm-settings/llm-settings-routes.js';
import eventsRoutes from '../modules/events/events-routes.js';
import analyticsRoutes from '../modules/analytics/analytics-routes.js';
import approvalsRoutes from '../modules/approvals/approvals-routes.js';
import approvalLinkRoutes from '../modules/approvals/approval-link-routes.js';
import mcpRoutes from '../modules/mcp/mcp-routes.js';
import appToolCallsRoutes from '../modules/mcp-client/app-tool-calls-routes.js';
import mcpServersRoutes from '../modules/mcp-client/mcp-servers-routes.js';
import webhooksRoutes from '../modules/webhooks/webhooks-routes.js';
import feedsRoutes from '../modules/feeds/feeds-routes.js';
import gitExportRoutes from '../modules/git-export/git-export-routes.js';
import gitIntegrationsRoutes from '../modules/git-export/git-integrations-routes.js';
import mailQuarantineRoutes from '../modules/mail-intake/mail-quarantine-routes.js';
import mailAnalysesRoutes from '../modules/mail-processing/mail-analyses-routes.js';
import gmailRoutes from '../modules/gmail/gmail-routes.js';
import inboxRoutes from '../modules/mail-processing/inbox-routes.js';
import mailTemplatesRoutes from '../modules/outgoing-mail/mail-templates-routes.js';
import outgoingMailRoutes from '../modules/outgoing-mail/outgoing-mail-routes.js';

/** Every route module and where it is mounted: the one place a new module is registered. */
export const routeModules: { prefix: string; plugin: FastifyPluginAsync<any> }[] = [
  { prefix: '', plugin: healthRoutes },
  { prefix: '/api/v1/auth', plugin: authRoutes },
  { prefix: '/api/v1/auth', plugin: ssoRoutes },
  { prefix: '/api/v1/auth', plugin: passwordRoutes },
  { prefix: '/api/v1', plugin: accountsRoutes },
  { prefix: '/api/v1', plugin: apiKeysRoutes },
  { prefix: '/api/v1', plugin: agentClientsRoutes },
  { prefix: '/api/v1', plugin: auditRoutes },
  { prefix: '/api/v1', plugin: settingsRoutes },
  { prefix: '/api/v1', plugin: jobsRoutes },
  { prefix: '/api/v1', plugin: requestsRoutes },
  { prefix: '/api/v1', plugin: catalogRoutes },
  { prefix: '/api/v1', plugin: distributionRoutes },
  { prefix: '/api/v1', plugin: groupsRoutes },
  { prefix: '/api/v1', plugin: reviewsRoutes },
  { prefix: '/api/v1', plugin: appOwnersRoutes },
  { prefix: '/api/v1', plugin: orgKeysRoutes },
  { prefix: '/api/v1', plugin: agentsRoutes },
  { prefix: '/api/v1', plugin: agentReportsRoutes },
  { prefix: '/api/v1', plugin: deploymentsRoutes },
  { prefix: '/api/v1', plugin: deploymentCommandsRoutes },
  { prefix: '/api/v1', plugin: deploymentHistoryRoutes },
  { prefix: '/api/v1', plugin: redeployRoutes },
  { prefix: '/api/v1', plugin: conversationRoutes },
  { prefix: '/api/v1', plugin: mailConfirmationRoutes },
  { prefix: '/api/v1', plugin: mailQuarantineRoutes },
  { prefix: '/api/v1', plugin: mailAnalysesRoutes },
  { prefix: '/api/v1', plugin: inboxRoutes },
  { prefix: '/api/v1', plugin: mailTemplatesRoutes },
  { prefix: '/api/v1', plugin: outgoingMailRoutes },
  { prefix: '/api/v1', plugin: llmSettingsRoutes },
  { prefix: '/api/v1', plugin: eventsRoutes },
  { prefix: '/api/v1', plugin: analyticsRoutes },
  { prefix: '/api/v1', plugin: approvalsRoutes },
  { prefix: '/api/v1', plugin: approvalLinkRoutes },
  { prefix: '/api/v1', plugin: webhooksRoutes },
  { prefix: '/api/v1', plugin: feedsRoutes },
  { prefix: '/api/v1', plugin: gmailRoutes },
  { prefix: '/api/v1', plugin: mcpServersRoutes },
  { prefix: '/api/v1', plugin: appToolCallsRoutes },
  { prefix: '/api/v1', plugin: campaignsRoutes },
  { prefix: '', plugin: mcpRoutes },
  { prefix: '', plugin: gitExportRoutes },
  { prefix: '', plugin: gitIntegrationsRoutes },
];
