import { AppError } from '../../errors/app-error.js';

/** Every failure of the Gmail mailbox, with a stable code. */
export const GMAIL_CODES = {
  /** GMAIL_CLIENT_ID / GMAIL_CLIENT_SECRET are not set on this server. */
  GMAIL_NOT_CONFIGURED: 404,
  GMAIL_NOT_FOUND: 404,
  /** The callback's state is unknown, used, expired, or another admin's. */
  GMAIL_STATE_INVALID: 400,
  /** Google answered the consent with an error (the admin declined, wrong client settings). */
  GMAIL_CONSENT_DENIED: 400,
  /** Google did not grant what the mailbox needs (offline access, the Gmail scope). */
  GMAIL_SCOPE_MISSING: 400,
  /** That mailbox is already connected on this server. */
  GMAIL_ALREADY_CONNECTED: 409,
  /** Google refused the stored refresh token (revoked, password changed, client removed): connect again. */
  GMAIL_REVOKED: 409,
  /** Google's token endpoint or the Gmail API could not be reached or answered 5xx / 429. */
  GMAIL_UNAVAILABLE: 502,
  /** The Gmail API refused a call (4xx) or answered something that is not its documented shape. */
  GMAIL_API_ERROR: 502,
  /** A push request without a valid Google-signed OIDC token for the configured audience. */
  GMAIL_PUSH_UNAUTHENTICATED: 401,
  /** A push request whose body is not a Pub/Sub push message carrying Gmail's notification. */
  GMAIL_PUSH_INVALID: 400,
  /** startHistoryId is older than Gmail keeps (404): a full resync follows. */
  GMAIL_HISTORY_EXPIRED: 404,
} as const;
export type GmailCode = keyof typeof GMAIL_CODES;

export class GmailError extends AppError {
  /** The HTTP status Google answered, when it answered. */
  readonly upstreamStatus: number | undefined;

  constructor(
    readonly gmailCode: GmailCode,
    message: string,
    options: { cause?: unknown; upstreamStatus?: number } = {},
  ) {
    super(gmailCode, GMAIL_CODES[gmailCode], message, { cause: options.cause });
    this.name = 'GmailError';
    this.upstreamStatus = options.upstreamStatus;
  }
}
