/**
 * The one error base of @marketplace/mail. `code` is stable (callers switch on it), the message
 * says what was wrong and what to do. Expected outcomes of untrusted mail (a message that is not
 * a release, a release without its attachment, an SMTP 5xx) are return values, not errors: these
 * are for programming and configuration mistakes and for services that are unreachable.
 */
export class MailError extends Error {
  readonly code: MailErrorCode;
  /** Whether trying the same call again later may succeed (a server down, a connection dropped). */
  readonly retryable: boolean;

  constructor(code: MailErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MailError';
    this.code = code;
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
  | 'DOVECOT_FAILED';

export function isMailError(value: unknown): value is MailError {
  return value instanceof MailError;
}

/** Turns zod issues into one line a user can act on: "field: problem; field: problem". */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`).join('; ');
}
