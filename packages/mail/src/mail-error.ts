/**
 * The one error base of @marketplace/mail. `code` is stable (callers switch on it), the message
 * says what was wrong and what to do. Expected outcomes of untrusted mail (a message that is not
 * a release, a release without its attachment, an SMTP 5xx) are return values, not errors: these
 * are for programming and configuration mistakes and for services that are unreachable.
 */
export class MailError extends Error {
  readonly code: MailErrorCode;
  /** The HTTP status a server answering with this error would use (a hint; this package knows no HTTP). */
  readonly httpStatus: number;
  /** Whether trying the same call again later may succeed (a server down, a connection dropped). */
  readonly retryable: boolean;

  constructor(code: MailErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MailError';
    this.code = code;
    this.httpStatus = HTTP_STATUS[code];
    this.retryable = options.retryable ?? false;
  }
}

export type MailErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_ADDRESS'
  | 'INVALID_FOLDER'
  | 'BUNDLE_MISMATCH'
  | 'MESSAGE_NOT_FOUND'
  | 'MAILBOX_UNAVAILABLE'
  | 'IMAP_FAILED'
  | 'MAILBOX_CLOSED'
  | 'MAILDIR_IO'
  | 'DOVECOT_MISSING'
  | 'DOVECOT_FAILED'
  | 'HUB_FAILED';

const HTTP_STATUS: Record<MailErrorCode, number> = {
  INVALID_OPTIONS: 500,
  INVALID_ADDRESS: 400,
  INVALID_FOLDER: 400,
  BUNDLE_MISMATCH: 422,
  MESSAGE_NOT_FOUND: 404,
  MAILBOX_UNAVAILABLE: 503,
  IMAP_FAILED: 502,
  MAILBOX_CLOSED: 503,
  MAILDIR_IO: 500,
  DOVECOT_MISSING: 500,
  DOVECOT_FAILED: 500,
  HUB_FAILED: 500,
};

export function isMailError(value: unknown): value is MailError {
  return value instanceof MailError;
}

/** Turns zod issues into one line a user can act on: "field: problem; field: problem". */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`).join('; ');
}
