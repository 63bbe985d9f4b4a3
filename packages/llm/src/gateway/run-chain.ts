import type { CachedResponse } from '../cache/cache-store.js';
import type { ModelRef } from '../config/gateway-config.js';
import { LlmError, type LlmErrorCode } from '../llm-error.js';
import { classifyProviderError } from '../providers/classify-provider-error.js';
import { computeBackoffMs } from '../resilience/backoff.js';
import type { LlmNotice } from '../types.js';
import type { CallPlan } from './call-plan.js';
import type { GatewayContext, ProviderState } from './gateway-context.js';
import type { RawUsage } from '../providers/call-model.js';
import { priceCall, recordUsage, resolveTokenUsage } from './record-usage.js';

/** Failures that say something about the provider's health, and so count towards its breaker. */
const BREAKER_CODES: ReadonlySet<LlmErrorCode> = new Set([
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_AUTH_FAILED',
  'TIMEOUT',
  'MALFORMED_RESPONSE',
  'STREAM_INTERRUPTED',
]);

/** An answer allowed per call: the first invalid structured output is retried once. */
const MAX_INVALID_OUTPUTS = 2;

export interface ChainHooks<T> {
  /** Cache key for this candidate, or undefined when the call is not cacheable. */
  cacheKey?(ref: ModelRef): string | undefined;
  /** Rejects a cached entry that no longer fits (e.g. fails the schema); it then counts as a miss. */
  acceptCached?(cached: CachedResponse): boolean;
  /** One provider attempt; throws an LlmError. `invalidOutputs` holds earlier invalid answers. */
  attempt(ref: ModelRef, state: ProviderState, invalidOutputs: readonly LlmError[]): Promise<T>;
}

export type ChainOutcome<T> =
  | { kind: 'answer'; value: T; ref: ModelRef; state: ProviderState; attemptStartedAt: number }
  | { kind: 'cached'; cached: CachedResponse; ref: ModelRef }
  | { kind: 'exhausted'; notice: LlmNotice | undefined };

export function noteProviderSuccess(ctx: GatewayContext, state: ProviderState): void {
  state.breaker.recordSuccess();
  state.health.lastSuccessAt = ctx.clock.now();
}

export function noteProviderFailure(ctx: GatewayContext, state: ProviderState, error: LlmError): void {
  state.health.lastFailureAt = ctx.clock.now();
  state.health.lastErrorCode = error.code;
  if (BREAKER_CODES.has(error.code)) state.breaker.recordFailure();
  else state.breaker.release();
}

export async function cacheGet(ctx: GatewayContext, key: string): Promise<CachedResponse | undefined> {
  if (!ctx.cache) return undefined;
  try {
    return await ctx.cache.store.get(key);
  } catch (error) {
    ctx.logger.warn({ component: 'llm-gateway', cache: ctx.cache.store.kind, err: (error as Error).message }, 'LLM cache read failed; calling the provider');
    return undefined;
  }
}

async function sleepOrAbort(ctx: GatewayContext, ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await ctx.clock.sleep(ms, signal);
  } catch (error) {
    throw new LlmError('ABORTED', 'The call was cancelled by its caller.', { cause: error });
  }
}

/**
 * Walks the fallback chain: per candidate, a cache lookup, then attempts through its circuit
 * breaker with retries (exponential backoff with jitter, or the provider's Retry-After) for
 * retryable failures, then the next candidate. Returns what answered, or that nothing did.
 */
export async function runChain<T>(ctx: GatewayContext, plan: CallPlan, hooks: ChainHooks<T>): Promise<ChainOutcome<T>> {
  const invalidOutputs: LlmError[] = [];
  let sawFailure = false;
  const { resilience } = ctx;

  for (const ref of plan.candidates) {
    const state = ctx.providers.get(ref.provider)!;
    const key = hooks.cacheKey?.(ref);
    if (key !== undefined) {
      const cached = await cacheGet(ctx, key);
      if (cached && (hooks.acceptCached?.(cached) ?? true)) return { kind: 'cached', cached, ref };
    }

    let retry = 0;
    for (;;) {
      if (!state.breaker.tryAcquire()) {
        plan.attempts.push({ provider: ref.provider, model: ref.model, outcome: 'circuit-open', errorCode: 'CIRCUIT_OPEN', latencyMs: 0 });
        sawFailure = true;
        break;
      }
      const startedAt = performance.now();
      try {
        const value = await hooks.attempt(ref, state, invalidOutputs);
        noteProviderSuccess(ctx, state);
        return { kind: 'answer', value, ref, state, attemptStartedAt: startedAt };
      } catch (thrown) {
        const error = classifyProviderError(thrown, { providerId: ref.provider, secrets: ctx.secrets, nowMs: ctx.clock.now() });
        const latencyMs = performance.now() - startedAt;
        if (error.code === 'ABORTED') {
          state.breaker.release();
          throw error;
        }
        if (error.code === 'INVALID_OUTPUT') {
          // The provider is up and answered; the answer is what was wrong. It still cost tokens.
          noteProviderSuccess(ctx, state);
          invalidOutputs.push(error);
          plan.attempts.push({ provider: ref.provider, model: ref.model, outcome: 'invalid-output', errorCode: error.code, latencyMs });
          const raw = error.details?.usage as RawUsage | undefined;
          const usage = await resolveTokenUsage(plan.request, raw, String(error.details?.text ?? ''));
          await recordUsage(ctx, plan, {
            provider: ref.provider,
            model: ref.model,
            outcome: 'invalid-output',
            errorCode: error.code,
            latencyMs,
            usage,
            costUsd: priceCall(ctx, ref.provider, ref.model, usage),
          });
          if (invalidOutputs.length >= MAX_INVALID_OUTPUTS) return { kind: 'exhausted', notice: 'llm-output-invalid' };
          continue;
        }
        sawFailure = true;
        noteProviderFailure(ctx, state, error);
        plan.attempts.push({ provider: ref.provider, model: ref.model, outcome: 'error', errorCode: error.code, latencyMs });
        await recordUsage(ctx, plan, { provider: ref.provider, model: ref.model, outcome: 'error', errorCode: error.code, latencyMs });
        ctx.logger.info(
          { component: 'llm-gateway', requestId: plan.requestId, provider: ref.provider, model: ref.model, code: error.code, statusCode: error.statusCode, retry },
          `provider attempt failed: ${error.message}`,
        );
        if (!error.isRetryable || retry >= resilience.maxRetries) break;
        if (error.retryAfterMs !== undefined && error.retryAfterMs > resilience.maxRetryAfterMs) {
          ctx.logger.info(
            { component: 'llm-gateway', requestId: plan.requestId, provider: ref.provider, retryAfterMs: error.retryAfterMs, maxRetryAfterMs: resilience.maxRetryAfterMs },
            'provider asked to wait longer than allowed; moving to the next provider',
          );
          break;
        }
        const delay = error.retryAfterMs ?? computeBackoffMs(retry, { baseDelayMs: resilience.baseDelayMs, maxDelayMs: resilience.maxDelayMs, random: ctx.random });
        retry += 1;
        await sleepOrAbort(ctx, delay, plan.request.signal);
      }
    }
  }
  return { kind: 'exhausted', notice: sawFailure ? 'providers-unavailable' : undefined };
}
