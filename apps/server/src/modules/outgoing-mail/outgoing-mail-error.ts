import { AppError } from '../../errors/app-error.js';

/** Every failure of the outgoing mail area (templates, compliance, delivery records), with a stable code. */
export const OUTGOING_MAIL_CODES = {
  /** A template names placeholders its kind does not give (the message names them). */
  UNKNOWN_PLACEHOLDER: 400,
  /** A template is rendered without a value for one of its placeholders (a server bug: the sender forgot it). */
  MISSING_PARAMETER: 500,
  UNKNOWN_KIND: 404,
  MAIL_NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  /** The compliance check refused the mail; the code and words say why. */
  MAIL_BLOCKED: 422,
  /** No outgoing mail path: neither SMTP_HOST nor a reachable embedded hub. */
  MAIL_NOT_CONFIGURED: 503,
} as const;
export type OutgoingMailCode = keyof typeof OUTGOING_MAIL_CODES;

export class OutgoingMailError extends AppError {
  constructor(
    readonly outgoingCode: OutgoingMailCode,
    message: string,
  ) {
    super(outgoingCode, OUTGOING_MAIL_CODES[outgoingCode], message);
    this.name = 'OutgoingMailError';
  }
}
