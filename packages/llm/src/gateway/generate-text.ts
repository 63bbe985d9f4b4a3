import { generateWithModel, type RawUsage } from '../providers/call-model.js';
import type { LlmRequest, LlmTextResult } from '../types.js';
import { planCall } from './call-plan.js';
import { attemptError, startCallTimer } from './call-timer.js';
import { finishFromBuiltin, finishFromCache, finishFromProvider } from './finish-call.js';
import type { GatewayContext } from './gateway-context.js';
import { planCacheKey } from './plan-cache-key.js';
import { runChain } from './run-chain.js';
import { attemptWithTools, type ToolAnswer } from './tool-attempt.js';

/**
 * One text answer: cache, providers in route order with retries, then the built-in engine. With
 * `tools`, the model may call them first (no cache; the built-in engine, if it answers, uses none).
 */
export async function gatewayGenerateText(ctx: GatewayContext, input: LlmRequest): Promise<LlmTextResult> {
  const plan = await planCall(ctx, input, { tools: true });
  const { request } = plan;
  const cacheKey = planCacheKey(ctx, plan);
  const tools = request.tools?.length ? request.tools : null;
  const outcome = await runChain<{ text: string; usage: RawUsage } & Partial<Pick<ToolAnswer, 'earlier' | 'toolCalls'>>>(ctx, plan, {
    ...(cacheKey ? { cacheKey } : {}),
    async attempt(ref, state) {
      if (tools) return attemptWithTools(ctx, plan, ref, state, tools);
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
        throw attemptError(error, timer, { providerId: ref.provider, secrets: ctx.secrets, nowMs: ctx.clock.now() });
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
        ...(outcome.value.earlier ? { earlier: outcome.value.earlier } : {}),
        ...(outcome.value.toolCalls ? { toolCalls: outcome.value.toolCalls } : {}),
      });
    case 'exhausted':
      return finishFromBuiltin(ctx, plan, outcome.notice);
  }
}
