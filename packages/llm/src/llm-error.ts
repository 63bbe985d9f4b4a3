/**
 * Stable codes callers can switch on. Provider failures (`PROVIDER_*`, `TIMEOUT`,
 * `MALFORMED_RESPONSE`) move the call to the next provider; the others end the call.
 */
export const LLM_ERROR_CODES = [
  'CONFIG_INVALID',
  'REQUEST_INVALID',
  'UNKNOWN_PROVIDER',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_AUTH_FAILED',
  'PROVIDER_REJECTED',
  'MALFORMED_RESPONSE',
  'TIMEOUT',
  'CIRCUIT_OPEN',
  'INVALID_OUTPUT',
  'RATE_LIMITED',
  'BUDGET_EXCEEDED',
  'ABORTED',
  'STREAM_INTERRUPTED',
  'ALL_PROVIDERS_FAILED',
] as const;

export type LlmErrorCode = (typeof LLM_ERROR_CODES)[number];

/** The HTTP status a server answering with this error would use (a hint; this package knows no HTTP). */
const HTTP_STATUS: Record<LlmErrorCode, number> = {
  CONFIG_INVALID: 400,
  REQUEST_INVALID: 400,
  UNKNOWN_PROVIDER: 400,
  PROVIDER_UNAVAILABLE: 502,
  PROVIDER_RATE_LIMITED: 503,
  PROVIDER_AUTH_FAILED: 502,
  PROVIDER_REJECTED: 502,
  MALFORMED_RESPONSE: 502,
  TIMEOUT: 504,
  CIRCUIT_OPEN: 503,
  INVALID_OUTPUT: 502,
  RATE_LIMITED: 429,
  BUDGET_EXCEEDED: 429,
  ABORTED: 503,
  STREAM_INTERRUPTED: 502,
  ALL_PROVIDERS_FAILED: 503,
};

/** Codes worth trying again at the same provider after a pause. */
const RETRYABLE_CODES: ReadonlySet<LlmErrorCode> = new Set(['PROVIDER_UNAVAILABLE', 'PROVIDER_RATE_LIMITED', 'TIMEOUT', 'RATE_LIMITED']);

const marker = Symbol.for('marketplace.llm.error');

export interface LlmErrorOptions {
  cause?: unknown;
  providerId?: string;
  statusCode?: number;
  /** How long the caller should wait before trying again, when known (Retry-After, rate window). */
  retryAfterMs?: number;
  details?: Record<string, unknown>;
}

export class LlmError extends Error {
  private readonly [marker] = true;
  readonly code: LlmErrorCode;
  readonly providerId: string | undefined;
  readonly statusCode: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** The HTTP status a server would answer with (not the provider's `statusCode`). */
  readonly httpStatus: number;

  constructor(code: LlmErrorCode, message: string, options: LlmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LlmError';
    this.code = code;
    this.httpStatus = HTTP_STATUS[code];
    this.providerId = options.providerId;
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  get isRetryable(): boolean {
    return RETRYABLE_CODES.has(this.code);
  }

  static isInstance(error: unknown): error is LlmError {
    return typeof error === 'object' && error !== null && (error as { [marker]?: unknown })[marker] === true;
  }
}

/** True for errors worth retrying after a pause (provider overload, rate limits, timeouts). */
export function isRetryable(error: unknown): boolean {
  return LlmError.isInstance(error) && error.isRetryable;
}
