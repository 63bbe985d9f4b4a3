import { AppError } from '../../errors/app-error.js';

/** Every failure of the mail processing area (analyses, rules, the app inbox), with a stable code. */
export const MAIL_PROCESSING_CODES = {
  ANALYSIS_NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  /** Changing an app by reply is for its owners (app_owners: users and owner groups' members). */
  APP_OWNER_REQUIRED: 403,
  /** The conversation engine read no change in the words (or a command); nothing was changed or sent. */
  CHANGE_NOT_UNDERSTOOD: 422,
  /** An owner's decision on a reporter's change that is not waiting for one (decided already, or the policy asked none). */
  REPORTER_CHANGE_NOT_PENDING: 409,
  /** No outgoing mail path: neither SMTP_HOST nor a reachable embedded hub. */
  MAIL_NOT_CONFIGURED: 503,
  /** The relay or hub refused or could not take the reply. */
  REPLY_NOT_SENT: 502,
  /** The compliance check refused the reply (a secret, a link to a host not allowed, the footer missing, too large); `details` carries its code and notice. */
  REPLY_BLOCKED: 422,
} as const;
export type MailProcessingCode = keyof typeof MAIL_PROCESSING_CODES;

export class MailProcessingError extends AppError {
  constructor(
    readonly processingCode: MailProcessingCode,
    message: string,
    notice?: { code: string; params: Record<string, string | number> },
  ) {
    super(processingCode, MAIL_PROCESSING_CODES[processingCode], message, notice ? { details: { notice } } : {});
    this.name = 'MailProcessingError';
  }
}
