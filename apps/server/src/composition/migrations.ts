import { accountsMigrations } from '../modules/accounts/migrations.js';
import { auditMigrations } from '../modules/audit/migrations.js';
import { settingsMigrations } from '../modules/settings/migrations.js';
import { catalogMigrations } from '../modules/catalog/migrations.js';
import { passwordResetMigrations } from '../modules/accounts/password-reset-migrations.js';
import { distributionAgainMigrations, distributionMigrations } from '../modules/distribution/migrations.js';
import { groupsMigrations } from '../modules/groups/migrations.js';
import { reviewsMigrations } from '../modules/catalog/reviews-migrations.js';
import { orgKeysMigrations } from '../modules/org-keys/migrations.js';
import { agentReportKeyMigrations, agentsMigrations } from '../modules/agents/migrations.js';
import { deploymentsMigrations } from '../modules/deployments/migrations.js';
import { conversationsMigrations } from '../modules/conversations/migrations.js';
import { approvalsMigrations } from '../modules/approvals/migrations.js';
import { mailHubMessagesMigrations, mailIntakeMigrations, mailOutcomesMigrations, mailRawFileMigrations } from '../modules/mail-intake/migrations.js';
import { authMigrations } from '../modules/auth/migrations.js';
import { appOwnersMigrations } from '../modules/catalog/app-owners-migrations.js';
import { cardFiguresMigrations } from '../modules/catalog/card-figures-migrations.js';
import { webhooksMigrations, webhooksRotationMigrations } from '../modules/webhooks/migrations.js';
import { feedsMigrations } from '../modules/feeds/migrations.js';
import { catalogSearchMigrations } from '../modules/catalog/catalog-search-migrations.js';
import { catalogVersionMigrations } from '../modules/catalog/catalog-version-migrations.js';
import { changelogEntriesMigrations } from '../modules/catalog/changelog-entries-migrations.js';
import { outgoingMailMigrations } from '../modules/outgoing-mail/migrations.js';
import { mailProcessingMigrations } from '../modules/mail-processing/migrations.js';

/** Every module's migrations, in the order they must run. Names are global and never renamed. */
export const migrations = [...accountsMigrations, ...auditMigrations, ...settingsMigrations, ...catalogMigrations, ...distributionMigrations, ...groupsMigrations, ...reviewsMigrations, ...orgKeysMigrations, ...agentsMigrations, ...deploymentsMigrations, ...conversationsMigrations, ...approvalsMigrations, ...authMigrations, ...appOwnersMigrations, ...distributionAgainMigrations, ...passwordResetMigrations, ...mailIntakeMigrations, ...agentReportKeyMigrations, ...mailHubMessagesMigrations, ...cardFiguresMigrations, ...catalogSearchMigrations, ...mailOutcomesMigrations, ...mailRawFileMigrations, ...catalogVersionMigrations, ...webhooksMigrations, ...feedsMigrations, ...mailProcessingMigrations, ...changelogEntriesMigrations, ...webhooksRotationMigrations, ...outgoingMailMigrations];
