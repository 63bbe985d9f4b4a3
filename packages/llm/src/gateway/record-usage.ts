import type { LlmErrorCode } from '../llm-error.js';
import type { RawUsage } from '../providers/call-model.js';
import { costUsd } from '../usage/price-table.js';
import { countPromptTokens, countTokens } from '../usage/token-counter.js';
import type { LlmRequest, TokenUsage, UsageOutcome, UsageRecord } from '../types.js';
import type { GatewayContext } from './gateway-context.js';


/**
 * Usage as the provider reported it, or counted with the bundled tokenizer when it reported
 * none (some OpenAI-compatible servers, Ollama without eval counts report nothing or zero).
 */
export async function resolveTokenUsage(request: Pick<LlmRequest, 'system' | 'messages'>, raw: RawUsage | undefined, outputText: string): Promise<TokenUsage> {
  let estimated = false;
  let inputTokens = raw?.inputTokens;
  let outputTokens = raw?.outputTokens;
  if (inputTokens === undefined || inputTokens === 0) {
    inputTokens = await countPromptTokens(request.system, request.messages);
    estimated = true;
  }
  if (outputTokens === undefined || (outputTokens === 0 && outputText.length > 0)) {
    outputTokens = await countTokens(outputText);
    estimated = true;
  }
  return { inputTokens, outputTokens, estimated };
}

/** Price of a call; an unknown hosted model costs 0 and is reported once, so prices can be added. */
export function priceCall(ctx: GatewayContext, providerId: string, model: string, usage: TokenUsage): number {
  const kind = providerId === 'builtin' ? 'builtin' : (ctx.providers.get(providerId)?.config.kind ?? 'builtin');
  const lookup = ctx.prices.lookup(providerId, kind, model);
  if (!lookup.known) {
    const once = `price\u0000${providerId}\u0000${model}`;
    if (!ctx.saidOnce.has(once)) {
      ctx.saidOnce.add(once);
      ctx.logger.warn({ component: 'llm-gateway', provider: providerId, model }, `no price known for model "${model}"; its cost is recorded as 0 — add it to the gateway's prices`);
    }
  }
  return costUsd(lookup.price, usage.inputTokens, usage.outputTokens);
}

export interface UsageFields {
  provider: string | null;
  model: string | null;
  outcome: UsageOutcome;
  latencyMs: number;
  usage?: TokenUsage;
  costUsd?: number;
  cacheHit?: boolean;
  errorCode?: LlmErrorCode;
}

/**
 * Adds spend to the org's budget period and hands the record to the usage sink. Neither may fail
 * the call: a store or sink error is logged and the answer still goes back.
 */
export async function recordUsage(
  ctx: GatewayContext,
  call: { requestId: string; request: LlmRequest; periodStartMs: number },
  fields: UsageFields,
): Promise<UsageRecord> {
  const { request } = call;
  const record: UsageRecord = {
    requestId: call.requestId,
    at: new Date(ctx.clock.now()).toISOString(),
    orgId: request.orgId,
    userId: request.userId ?? null,
    conversationId: request.conversationId ?? null,
    appId: request.appId ?? null,
    task: request.task,
    provider: fields.provider,
    model: fields.model,
    inputTokens: fields.usage?.inputTokens ?? 0,
    outputTokens: fields.usage?.outputTokens ?? 0,
    tokensEstimated: fields.usage?.estimated ?? false,
    costUsd: fields.costUsd ?? 0,
    latencyMs: Math.round(fields.latencyMs * 1000) / 1000,
    cacheHit: fields.cacheHit ?? false,
    outcome: fields.outcome,
    ...(fields.errorCode ? { errorCode: fields.errorCode } : {}),
  };
  if (record.costUsd > 0) {
    try {
      await ctx.usageStore.addSpendUsd(request.orgId, call.periodStartMs, record.costUsd);
    } catch (error) {
      ctx.logger.error({ component: 'llm-gateway', orgId: request.orgId, err: (error as Error).message }, 'could not add LLM spend to the usage store');
    }
  }
  if (ctx.usageSink) {
    const logSinkError = (error: unknown) =>
      ctx.logger.error({ component: 'llm-gateway', requestId: call.requestId, err: (error as Error)?.message }, 'usage sink failed to record an LLM call');
    try {
      const pending = ctx.usageSink(record);
      if (pending) pending.catch(logSinkError);
    } catch (error) {
      logSinkError(error);
    }
  }
  return record;
}
