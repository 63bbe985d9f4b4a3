import { APICallError, InvalidResponseDataError, JSONParseError, TypeValidationError } from '@ai-sdk/provider';
import { redactSecrets } from '../logger.js';
import { LlmError } from '../llm-error.js';
import { parseRetryAfterMs } from '../resilience/backoff.js';

export interface ClassifyContext {
  providerId: string;
  secrets: readonly string[];
  nowMs: number;
  /** The gateway's own timer fired (whole call, or first token when streaming). */
  timedOut?: 'call' | 'first-token';
  /** The caller's signal fired. */
  callerAborted?: boolean;
}

/** Short, key-free text from a provider's error body, to help whoever reads the error. */
function providerDetail(error: APICallError, secrets: readonly string[]): string {
  const body = error.responseBody?.trim();
  let detail = '';
  if (body) {
    try {
      const json = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
      const message = typeof json.error === 'string' ? json.error : (json.error?.message ?? json.message);
      detail = typeof message === 'string' ? message : '';
    } catch {
      detail = '';
    }
  }
  return redactSecrets(detail, secrets).slice(0, 300);
}

/**
 * Maps whatever an AI SDK provider call threw to an LlmError with a stable code. Messages name the
 * provider and what to do, never the request body, the URL's credentials or an API key.
 */
export function classifyProviderError(error: unknown, ctx: ClassifyContext): LlmError {
  const { providerId } = ctx;
  if (LlmError.isInstance(error)) return error;
  if (ctx.callerAborted) return new LlmError('ABORTED', 'The call was cancelled by its caller.', { providerId, cause: error });
  if (ctx.timedOut === 'first-token') {
    return new LlmError('TIMEOUT', `Provider "${providerId}" sent no text before the first-token timeout; trying the next provider.`, { providerId });
  }
  if (ctx.timedOut === 'call') {
    return new LlmError('TIMEOUT', `Provider "${providerId}" did not answer within the call timeout; raise resilience.timeoutMs if it is just slow.`, { providerId });
  }
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const detail = providerDetail(error, ctx.secrets);
    const suffix = detail ? ` (provider said: ${detail})` : '';
    if (status === undefined) {
      return new LlmError('PROVIDER_UNAVAILABLE', `Cannot reach provider "${providerId}"; check its base URL and that it is running.`, { providerId });
    }
    if (status >= 200 && status < 300) {
      return new LlmError('MALFORMED_RESPONSE', `Provider "${providerId}" answered ${status} with a body that is not a valid response.`, { providerId, statusCode: status });
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfterMs(error.responseHeaders, ctx.nowMs);
      return new LlmError('PROVIDER_RATE_LIMITED', `Provider "${providerId}" is rate limiting requests (429)${suffix}.`, { providerId, statusCode: status, retryAfterMs });
    }
    if (status === 401 || status === 403) {
      return new LlmError('PROVIDER_AUTH_FAILED', `Provider "${providerId}" refused the credentials (${status}); update its API key.${suffix}`, { providerId, statusCode: status });
    }
    if (status === 408 || status >= 500) {
      const retryAfterMs = parseRetryAfterMs(error.responseHeaders, ctx.nowMs);
      return new LlmError('PROVIDER_UNAVAILABLE', `Provider "${providerId}" failed with ${status}${suffix}.`, { providerId, statusCode: status, retryAfterMs });
    }
    return new LlmError('PROVIDER_REJECTED', `Provider "${providerId}" rejected the request (${status})${suffix}.`, { providerId, statusCode: status });
  }
  if (TypeValidationError.isInstance(error) || JSONParseError.isInstance(error) || InvalidResponseDataError.isInstance(error)) {
    return new LlmError('MALFORMED_RESPONSE', `Provider "${providerId}" sent a response the gateway could not read.`, { providerId });
  }
  const message = error instanceof Error ? redactSecrets(error.message, ctx.secrets).slice(0, 300) : String(error);
  return new LlmError('PROVIDER_UNAVAILABLE', `Provider "${providerId}" failed: ${message}`, { providerId });
}
