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

export class ReleaseError extends Error {
  readonly code: ReleaseErrorCode;

  constructor(code: ReleaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReleaseError';
    this.code = code;
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
