import type { z } from 'zod';
import type { CachedResponse } from '../cache/cache-store.js';
import { BUILTIN_PROVIDER_ID, type ModelRef } from '../config/gateway-config.js';
import { LlmError } from '../llm-error.js';
import type { LlmNotice, LlmTextResult, TokenUsage, ToolCallSummary } from '../types.js';
import type { CallPlan } from './call-plan.js';
import type { GatewayContext } from './gateway-context.js';
import type { RawUsage } from '../providers/call-model.js';
import { priceCall, recordUsage, resolveTokenUsage } from './record-usage.js';

function elapsed(plan: CallPlan): number {
  return Math.round((performance.now() - plan.startedAt) * 1000) / 1000;
}

/** Completes a call a provider answered: usage, cost, record, cache. */
export async function finishFromProvider(
  ctx: GatewayContext,
  plan: CallPlan,
  answer: {
    ref: ModelRef;
    attemptStartedAt: number;
    text: string;
    rawUsage: RawUsage | undefined;
    object?: unknown;
    cacheKey: string | undefined;
    /** Earlier model calls of a tool-using answer (already recorded): added to the result's usage and cost. */
    earlier?: { usage: TokenUsage; costUsd: number };
    toolCalls?: ToolCallSummary[];
  },
): Promise<LlmTextResult> {
  const { ref } = answer;
  const attemptLatency = performance.now() - answer.attemptStartedAt;
  const usage = await resolveTokenUsage(plan.request, answer.rawUsage, answer.text);
  const cost = priceCall(ctx, ref.provider, ref.model, usage);
  plan.attempts.push({ provider: ref.provider, model: ref.model, outcome: 'success', latencyMs: attemptLatency });
  await recordUsage(ctx, plan, { provider: ref.provider, model: ref.model, outcome: 'success', latencyMs: attemptLatency, usage, costUsd: cost });
  if (answer.cacheKey !== undefined && ctx.cache) {
    const entry: CachedResponse = {
      text: answer.text,
      ...(answer.object === undefined ? {} : { object: answer.object }),
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      tokensEstimated: usage.estimated,
      storedAt: new Date(ctx.clock.now()).toISOString(),
    };
    try {
      await ctx.cache.store.set(answer.cacheKey, entry, ctx.cache.ttlMs);
    } catch (error) {
      ctx.logger.warn({ component: 'llm-gateway', cache: ctx.cache.store.kind, err: (error as Error).message }, 'LLM cache write failed');
    }
  }
  const { earlier } = answer;
  return {
    text: answer.text,
    provider: ref.provider,
    model: ref.model,
    usage: earlier
      ? { inputTokens: usage.inputTokens + earlier.usage.inputTokens, outputTokens: usage.outputTokens + earlier.usage.outputTokens, estimated: usage.estimated || earlier.usage.estimated }
      : usage,
    costUsd: cost + (earlier?.costUsd ?? 0),
    latencyMs: elapsed(plan),
    cacheHit: false,
    attempts: plan.attempts,
    warnings: plan.warnings,
    ...(answer.toolCalls ? { toolCalls: answer.toolCalls } : {}),
  };
}

/** Completes a call from the cache: no provider was called, so it costs nothing. */
export async function finishFromCache(ctx: GatewayContext, plan: CallPlan, ref: ModelRef, cached: CachedResponse): Promise<LlmTextResult> {
  const usage: TokenUsage = { inputTokens: cached.inputTokens, outputTokens: cached.outputTokens, estimated: cached.tokensEstimated };
  const latencyMs = elapsed(plan);
  plan.attempts.push({ provider: ref.provider, model: ref.model, outcome: 'cache-hit', latencyMs });
  await recordUsage(ctx, plan, { provider: ref.provider, model: ref.model, outcome: 'success', latencyMs, usage, costUsd: 0, cacheHit: true });
  return { text: cached.text, provider: ref.provider, model: ref.model, usage, costUsd: 0, latencyMs, cacheHit: true, attempts: plan.attempts, warnings: plan.warnings };
}

function failureSummary(plan: CallPlan): string {
  const tried = plan.attempts.filter((a) => a.outcome !== 'success').map((a) => `${a.provider}/${a.model}: ${a.errorCode ?? a.outcome}`);
  return tried.length > 0 ? tried.join(', ') : 'no provider configured';
}

/**
 * Asks the built-in engine, the last resort of every chain. For structured output its object is
 * checked against the schema like any provider's. If the engine fails too, the call fails with
 * ALL_PROVIDERS_FAILED listing what each provider did.
 */
export async function finishFromBuiltin(
  ctx: GatewayContext,
  plan: CallPlan,
  notice: LlmNotice | undefined,
  schema?: z.ZodType,
): Promise<LlmTextResult & { object?: unknown }> {
  const startedAt = performance.now();
  const { request } = plan;
  let text: string;
  let object: unknown;
  try {
    const output = await ctx.builtin(request.task, { system: request.system, messages: request.messages, ...(schema ? { schema } : {}) });
    text = output.text;
    if (schema) {
      const parsed = schema.safeParse(output.object);
      if (!parsed.success) throw new LlmError('INVALID_OUTPUT', `The built-in engine's answer for task "${request.task}" does not match the requested schema.`);
      object = parsed.data;
    }
  } catch (thrown) {
    const latencyMs = performance.now() - startedAt;
    const code = LlmError.isInstance(thrown) ? thrown.code : 'PROVIDER_UNAVAILABLE';
    plan.attempts.push({ provider: BUILTIN_PROVIDER_ID, model: BUILTIN_PROVIDER_ID, outcome: 'error', errorCode: code, latencyMs });
    await recordUsage(ctx, plan, { provider: BUILTIN_PROVIDER_ID, model: BUILTIN_PROVIDER_ID, outcome: 'error', errorCode: code, latencyMs });
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    throw new LlmError('ALL_PROVIDERS_FAILED', `No provider could answer (${failureSummary(plan)}) and the built-in engine failed: ${reason}`, {
      cause: thrown,
      details: { attempts: plan.attempts },
    });
  }
  const latencyMs = performance.now() - startedAt;
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0, estimated: false };
  plan.attempts.push({ provider: BUILTIN_PROVIDER_ID, model: BUILTIN_PROVIDER_ID, outcome: 'success', latencyMs });
  await recordUsage(ctx, plan, { provider: BUILTIN_PROVIDER_ID, model: BUILTIN_PROVIDER_ID, outcome: 'success', latencyMs, usage, costUsd: 0 });
  if (notice) {
    ctx.logger.warn({ component: 'llm-gateway', requestId: plan.requestId, task: request.task, notice, tried: failureSummary(plan) }, 'answered with the built-in engine');
  }
  return {
    text,
    ...(schema ? { object } : {}),
    provider: BUILTIN_PROVIDER_ID,
    model: BUILTIN_PROVIDER_ID,
    usage,
    costUsd: 0,
    latencyMs: elapsed(plan),
    cacheHit: false,
    attempts: plan.attempts,
    warnings: plan.warnings,
    ...(notice ? { notice } : {}),
  };
}
