import { AppError } from '../../errors/app-error.js';

/** Every failure of the mail intake area, with a stable code (also the start of a quarantine reason). */
export const MAIL_INTAKE_CODES = {
  /** Its MIME structure is past the limits (parts, depth, header size). */
  MALFORMED_MIME: 422,
  TOO_LARGE: 422,
  /** Processing was cut off too often (a crash or kill while holding it). */
  MAIL_INTERRUPTED: 500,
  MAIL_NOT_FOUND: 404,
  /** The hub's Maildir copy a row refers to is gone, or this process does not see the hub's DATA_DIR/mail. */
  MAIL_RAW_MISSING: 500,
} as const;
export type MailIntakeCode = keyof typeof MAIL_INTAKE_CODES;

export class MailIntakeError extends AppError {
  constructor(
    readonly mailCode: MailIntakeCode,
    message: string,
  ) {
    super(mailCode, MAIL_INTAKE_CODES[mailCode], message);
    this.name = 'MailIntakeError';
  }
}
