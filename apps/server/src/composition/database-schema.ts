import type { AccountsTables } from '../modules/accounts/accounts-tables.js';
import type { ApprovalsTables } from '../modules/approvals/approvals-tables.js';
import type { AgentsTables } from '../modules/agents/agents-tables.js';
import type { AuditTables } from '../modules/audit/audit-tables.js';
import type { AuthTables } from '../modules/auth/auth-tables.js';
import type { CampaignsTables } from '../modules/campaigns/campaigns-tables.js';
import type { CatalogTables } from '../modules/catalog/catalog-tables.js';
import type { ConversationsTables } from '../modules/conversations/conversations-tables.js';
import type { CredentialsTables } from '../modules/credentials/credentials-tables.js';
import type { DeploymentsTables } from '../modules/deployments/deployments-tables.js';
import type { FeedsTables } from '../modules/feeds/feeds-tables.js';
import type { EventsTables } from '../modules/events/events-tables.js';
import type { DistributionTables } from '../modules/distribution/distribution-tables.js';
import type { GitExportTables } from '../modules/git-export/git-export-tables.js';
import type { GmailTables } from '../modules/gmail/gmail-tables.js';
import type { MqttTables } from '../modules/mqtt/mqtt-tables.js';
import type { GroupsTables } from '../modules/groups/groups-tables.js';
import type { LlmSettingsTables } from '../modules/llm-settings/llm-settings-tables.js';
import type { McpClientTables } from '../modules/mcp-client/mcp-client-tables.js';
import type { MailIntakeTables } from '../modules/mail-intake/mail-intake-tables.js';
import type { MailProcessingTables } from '../modules/mail-processing/mail-processing-tables.js';
import type { OutgoingMailTables } from '../modules/outgoing-mail/outgoing-mail-tables.js';
import type { OrgKeysTables } from '../modules/org-keys/org-keys-tables.js';
import type { PipelineTables } from '../modules/pipeline/pipeline-tables.js';
import type { SettingsTables } from '../modules/settings/settings-tables.js';
import type { WebhooksTables } from '../modules/webhooks/webhooks-tables.js';

/**
 * The whole database as Kysely sees it: every module's tables, joined here. A module declares its own
 * tables in `modules/<module>/<module>-tables.ts` and joins this list; modules use it as `Db` (db/schema.ts).
 */
export interface DB
  extends AccountsTables,
    AgentsTables,
    ApprovalsTables,
    AuditTables,
    AuthTables,
    CampaignsTables,
    CatalogTables,
    ConversationsTables,
    CredentialsTables,
    DeploymentsTables,
    DistributionTables,
    EventsTables,
    FeedsTables,
    GitExportTables,
    GmailTables,
    MqttTables,
    GroupsTables,
    LlmSettingsTables,
    McpClientTables,
    MailIntakeTables,
    MailProcessingTables,
    OrgKeysTables,
    OutgoingMailTables,
    PipelineTables,
    SettingsTables,
    WebhooksTables {}
