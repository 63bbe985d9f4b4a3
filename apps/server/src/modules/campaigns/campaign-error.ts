import { AppError } from '../../errors/app-error.js';

/** Every refusal of the campaigns area, with a stable code. */
export const CAMPAIGN_CODES = {
  CAMPAIGN_NOT_FOUND: 404,
  /** Campaigns are for the app's owners (app_owners: users and owner groups' members) and admins. */
  APP_OWNER_REQUIRED: 403,
  /** Some addresses of the explicit list are no active user of the organisation. */
  UNKNOWN_RECIPIENTS: 422,
  /** The audience resolved to nobody. */
  NO_RECIPIENTS: 422,
  /** More recipients than one campaign takes. */
  TOO_MANY_RECIPIENTS: 422,
  /** The app has no published version to announce. */
  NO_PUBLISHED_VERSION: 409,
  /** Drafts and the schedule change only before sending starts. */
  CAMPAIGN_NOT_EDITABLE: 409,
  /** Install now would send to other people's agents while the policy holds such distributions for a reviewer. */
  INSTALL_NEEDS_APPROVAL: 409,
  /** A draft fails the organisation's compliance check (a secret, a link outside the allowed domains, no required footer, too large). */
  CAMPAIGN_BLOCKED: 422,
  /** The job queue does not run in this process. */
  JOBS_UNAVAILABLE: 503,
} as const;
export type CampaignCode = keyof typeof CAMPAIGN_CODES;

export class CampaignError extends AppError {
  constructor(
    readonly campaignCode: CampaignCode,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(campaignCode, CAMPAIGN_CODES[campaignCode], message, details ? { details } : {});
    this.name = 'CampaignError';
  }
}
