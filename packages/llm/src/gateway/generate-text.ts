import { generateWithModel, type RawUsage } from '../providers/call-model.js';
import { classifyProviderError } from '../providers/classify-provider-error.js';
import type { LlmRequest, LlmTextResult } from '../types.js';
import { planCall } from './call-plan.js';
import { startCallTimer } from './call-timer.js';
import { finishFromBuiltin, finishFromCache, finishFromProvider } from './finish-call.js';
import type { GatewayContext } from './gateway-context.js';
import { planCacheKey } from './plan-cache-key.js';
import { runChain } from './run-chain.js';

/** One text answer: cache, providers in route order with retries, then the built-in engine. */
export async function gatewayGenerateText(ctx: GatewayContext, input: LlmRequest): Promise<LlmTextResult> {
  const plan = await planCall(ctx, input);
  const { request } = plan;
  const cacheKey = planCacheKey(ctx, plan);
  const outcome = await runChain<{ text: string; usage: RawUsage }>(ctx, plan, {
    ...(cacheKey ? { cacheKey } : {}),
    async attempt(ref, state) {
      const timer = startCallTimer(request.signal, plan.timeoutMs);
      try {
        return await generateWithModel(state.runtime.languageModel(ref.model), {
          system: request.system,
          messages: request.messages,
          maxOutputTokens: request.maxOutputTokens,
          temperature: plan.temperature,
          abortSignal: timer.signal,
          providerOptions: state.runtime.providerOptions({ maxOutputTokens: request.maxOutputTokens, structured: false }),
        });
      } catch (error) {
        throw classifyProviderError(error, {
          providerId: ref.provider,
          secrets: ctx.secrets,
          nowMs: ctx.clock.now(),
          timedOut: timer.timedOut,
          callerAborted: timer.callerAborted,
        });
      } finally {
        timer.clear();
      }
    },
  });
  switch (outcome.kind) {
    case 'cached':
      return finishFromCache(ctx, plan, outcome.ref, outcome.cached);
    case 'answer':
      return finishFromProvider(ctx, plan, {
        ref: outcome.ref,
        attemptStartedAt: outcome.attemptStartedAt,
        text: outcome.value.text,
        rawUsage: outcome.value.usage,
        cacheKey: cacheKey?.(outcome.ref),
      });
    case 'exhausted':
      return finishFromBuiltin(ctx, plan, outcome.notice);
  }
}
