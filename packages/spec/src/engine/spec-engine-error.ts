/** Stable codes callers can branch on; the message says what was wrong and what to do. */
export type SpecEngineErrorCode = 'invalid-input' | 'invalid-language' | 'invalid-cron' | 'invalid-spec' | 'internal-error';

/** The HTTP status a server answering with this error would use (a hint; this package knows no HTTP). */
const HTTP_STATUS: Record<SpecEngineErrorCode, number> = { 'invalid-input': 400, 'invalid-language': 400, 'invalid-cron': 422, 'invalid-spec': 422, 'internal-error': 500 };

/** The one error class of the requirements engine. */
export class SpecEngineError extends Error {
  readonly code: SpecEngineErrorCode;
  readonly httpStatus: number;

  constructor(code: SpecEngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpecEngineError';
    this.code = code;
    this.httpStatus = HTTP_STATUS[code];
  }
}

export function isSpecEngineError(error: unknown): error is SpecEngineError {
  return error instanceof SpecEngineError;
}
