/** Stable codes callers can branch on; the message says what was wrong and what to do. */
export type SpecEngineErrorCode = 'invalid-input' | 'invalid-language' | 'invalid-cron' | 'invalid-spec' | 'internal-error';

/** The one error class of the requirements engine. */
export class SpecEngineError extends Error {
  readonly code: SpecEngineErrorCode;

  constructor(code: SpecEngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpecEngineError';
    this.code = code;
  }
}

export function isSpecEngineError(error: unknown): error is SpecEngineError {
  return error instanceof SpecEngineError;
}
