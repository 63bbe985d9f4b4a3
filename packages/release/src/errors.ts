/**
 * The one error class of this package. Thrown for misuse by a caller (bad key file, invalid
 * statement, invalid limits); expected outcomes of checking untrusted input (a bad signature,
 * an unsafe archive) are returned as `{ ok: false, code, message }` instead.
 */
export type ReleaseErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_LIMITS'
  | 'BUNDLE_INPUT_INVALID'
  | 'MANIFEST_MISSING'
  | 'MANIFEST_INVALID'
  | 'STATEMENT_INVALID'
  | 'KEYLIST_INVALID'
  | 'KEY_UNREADABLE'
  | 'KEY_PASSPHRASE_REQUIRED'
  | 'KEY_PASSPHRASE_WRONG'
  | 'KEY_NOT_ED25519'
  | 'KEY_ID_MISMATCH'
  | 'KEY_ALREADY_LISTED'
  | 'KEY_NOT_IN_LIST'
  | 'KEY_ALREADY_REVOKED'
  | 'WEAK_PASSPHRASE';

/** The HTTP status a server answering with this error would use (a hint; this package knows no HTTP). */
const HTTP_STATUS: Record<ReleaseErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  INVALID_LIMITS: 500,
  BUNDLE_INPUT_INVALID: 422,
  MANIFEST_MISSING: 422,
  MANIFEST_INVALID: 422,
  STATEMENT_INVALID: 422,
  KEYLIST_INVALID: 422,
  KEY_UNREADABLE: 400,
  KEY_PASSPHRASE_REQUIRED: 400,
  KEY_PASSPHRASE_WRONG: 400,
  KEY_NOT_ED25519: 400,
  KEY_ID_MISMATCH: 409,
  KEY_ALREADY_LISTED: 409,
  KEY_NOT_IN_LIST: 404,
  KEY_ALREADY_REVOKED: 409,
  WEAK_PASSPHRASE: 400,
};

export class ReleaseError extends Error {
  readonly code: ReleaseErrorCode;
  readonly httpStatus: number;

  constructor(code: ReleaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReleaseError';
    this.code = code;
    this.httpStatus = HTTP_STATUS[code];
  }
}

export function isReleaseError(value: unknown): value is ReleaseError {
  return value instanceof ReleaseError;
}

/** A failed check of untrusted input: a stable code plus a message a user can act on. */
export interface Failure<Code extends string> {
  ok: false;
  code: Code;
  message: string;
}

export function failure<Code extends string>(code: Code, message: string): Failure<Code> {
  return { ok: false, code, message };
}
