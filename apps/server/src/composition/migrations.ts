import { accountsMigrations, userLanguageMigrations } from '../modules/accounts/migrations.js';
import { campaignMailMigrations, campaignsMigrations } from '../modules/campaigns/migrations.js';
import { auditMigrations } from '../modules/audit/migrations.js';
import { settingsMigrations } from '../modules/settings/migrations.js';
import { catalogMigrations } from '../modules/catalog/migrations.js';
import { passwordResetMigrations } from '../modules/accounts/password-reset-migrations.js';
import { distributionAgainMigrations, distributionMigrations } from '../modules/distribution/migrations.js';
import { groupsMigrations } from '../modules/groups/migrations.js';
import { reviewsMigrations } from '../modules/catalog/reviews-migrations.js';
import { orgKeysMigrations } from '../modules/org-keys/migrations.js';
import { agentReportKeyMigrations, agentsMigrations } from '../modules/agents/migrations.js';
import { deploymentLogsMigrations, deploymentsMigrations } from '../modules/deployments/migrations.js';
import { conversationsMigrations } from '../modules/conversations/migrations.js';
import { approvalsMigrations } from '../modules/approvals/migrations.js';
import { hubDirectoryNotifyMigrations, mailHubMessagesMigrations, mailIntakeMigrations, mailOutcomesMigrations, mailRawFileMigrations, mailSenderCountMigrations, mailClaimMigrations } from '../modules/mail-intake/migrations.js';
import { authMigrations } from '../modules/auth/migrations.js';
import { appOwnersMigrations } from '../modules/catalog/app-owners-migrations.js';
import { cardFiguresMigrations } from '../modules/catalog/card-figures-migrations.js';
import { webhooksMigrations, webhooksRotationMigrations } from '../modules/webhooks/migrations.js';
import { feedsMigrations } from '../modules/feeds/migrations.js';
import { catalogSearchLabelsMigrations, catalogSearchMigrations } from '../modules/catalog/catalog-search-migrations.js';
import { catalogVersionMigrations } from '../modules/catalog/catalog-version-migrations.js';
import { changelogEntriesMigrations } from '../modules/catalog/changelog-entries-migrations.js';
import { inboxOwnerTokensMigrations, mailAnalysisOwnerMigrations, mailProcessingMigrations, reporterChangesMigrations } from '../modules/mail-processing/migrations.js';
import { gitExportMigrations } from '../modules/git-export/migrations.js';
import { gmailMigrations, gmailWatchMigrations } from '../modules/gmail/migrations.js';
import { mcpClientMigrations } from '../modules/mcp-client/migrations.js';
import { eventsMigrations } from '../modules/events/migrations.js';
import { outgoingMailMigrations, returnPathKeyMigrations } from '../modules/outgoing-mail/migrations.js';
import { mqttMigrations } from '../modules/mqtt/migrations.js';
import { catalogTagsMigrations } from '../modules/catalog/catalog-tags-migrations.js';

/** Every module's migrations, in the order they must run. Names are global and never renamed. */


/** Every module's migrations, in the order they must run. Names are global and never renamed. */
export const migrations = [...accountsMigrations, ...auditMigrations, ...settingsMigrations, ...catalogMigrations, ...distributionMigrations, ...groupsMigrations, ...reviewsMigrations, ...orgKeysMigrations, ...agentsMigrations, ...deploymentsMigrations, ...conversationsMigrations, ...approvalsMigrations, ...authMigrations, ...appOwnersMigrations, ...distributionAgainMigrations, ...passwordResetMigrations, ...mailIntakeMigrations, ...agentReportKeyMigrations, ...mailHubMessagesMigrations, ...cardFiguresMigrations, ...catalogSearchMigrations, ...mailOutcomesMigrations, ...mailRawFileMigrations, ...catalogVersionMigrations, ...webhooksMigrations, ...feedsMigrations, ...mailProcessingMigrations, ...changelogEntriesMigrations, ...webhooksRotationMigrations, ...mcpClientMigrations, ...gitExportMigrations, ...gmailMigrations, ...outgoingMailMigrations, ...campaignsMigrations, ...userLanguageMigrations, ...deploymentLogsMigrations, ...eventsMigrations, ...hubDirectoryNotifyMigrations, ...mailAnalysisOwnerMigrations, ...inboxOwnerTokensMigrations, ...returnPathKeyMigrations, ...campaignMailMigrations, ...reporterChangesMigrations, ...mqttMigrations, ...gmailWatchMigrations, ...catalogTagsMigrations, ...catalogSearchLabelsMigrations, ...mailSenderCountMigrations, ...mailClaimMigrations];
