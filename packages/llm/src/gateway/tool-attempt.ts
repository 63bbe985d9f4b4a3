import type { ModelRef } from '../config/gateway-config.js';
import { REQUEST_LIMITS } from '../config/request-limits.js';
import { LlmError } from '../llm-error.js';
import { generateWithTools, type ToolStep } from '../providers/generate-with-tools.js';
import type { RawUsage } from '../providers/call-model.js';
import type { LlmTool, TokenUsage, ToolCallSummary } from '../types.js';
import type { CallPlan } from './call-plan.js';
import { attemptError, startCallTimer } from './call-timer.js';
import type { GatewayContext, ProviderState } from './gateway-context.js';
import { priceCall, recordUsage, resolveTokenUsage } from './record-usage.js';

export interface ToolAnswer {
  text: string;
  /** Usage of the last model call (the answer); finishing the call records it. */
  usage: RawUsage;
  /** The model calls before it, already recorded one by one. */
  earlier: { usage: TokenUsage; costUsd: number };
  toolCalls: ToolCallSummary[];
}

/**
 * One provider attempt of a tool-using call. Every model call but the last is recorded here as its
 * own usage record as soon as the attempt ends (also when a later call fails: those tokens were
 * spent); the last is recorded by finishFromProvider like any answer. The whole loop shares the
 * task's timeout.
 */
export async function attemptWithTools(ctx: GatewayContext, plan: CallPlan, ref: ModelRef, state: ProviderState, tools: readonly LlmTool[]): Promise<ToolAnswer> {
  const { request } = plan;
  const timer = startCallTimer(request.signal, plan.timeoutMs);
  const steps: { step: ToolStep; latencyMs: number }[] = [];
  let stepStartedAt = performance.now();
  const earlier = { usage: { inputTokens: 0, outputTokens: 0, estimated: false } as TokenUsage, costUsd: 0 };
  const recordSteps = async (upTo: number) => {
    for (const { step, latencyMs } of steps.slice(0, upTo)) {
      const usage = await resolveTokenUsage(request, step.usage, step.text);
      const costUsd = priceCall(ctx, ref.provider, ref.model, usage);
      earlier.usage = { inputTokens: earlier.usage.inputTokens + usage.inputTokens, outputTokens: earlier.usage.outputTokens + usage.outputTokens, estimated: earlier.usage.estimated || usage.estimated };
      earlier.costUsd += costUsd;
      await recordUsage(ctx, plan, { provider: ref.provider, model: ref.model, outcome: 'success', latencyMs, usage, costUsd });
    }
  };
  try {
    const outcome = await generateWithTools(
      state.runtime.languageModel(ref.model),
      {
        system: request.system,
        messages: request.messages,
        maxOutputTokens: request.maxOutputTokens,
        temperature: plan.temperature,
        abortSignal: timer.signal,
        providerOptions: state.runtime.providerOptions({ maxOutputTokens: request.maxOutputTokens, structured: false }),
      },
      tools,
      (step) => {
        const now = performance.now();
        steps.push({ step, latencyMs: now - stepStartedAt });
        stepStartedAt = now;
      },
    );
    await recordSteps(steps.length - 1);
    return { text: outcome.text, usage: steps.at(-1)?.step.usage ?? {}, earlier, toolCalls: outcome.toolCalls };
  } catch (error) {
    await recordSteps(steps.length);
    if ((error as { name?: unknown } | null)?.name === 'AI_ToolChoiceViolationError') {
      // Asked to answer without tools, the model called one anyway: a broken answer, not worth a retry at this provider.
      throw new LlmError('MALFORMED_RESPONSE', `Provider "${ref.provider}" kept calling tools after ${REQUEST_LIMITS.maxToolSteps - 1} rounds instead of answering.`, { providerId: ref.provider });
    }
    throw attemptError(error, timer, { providerId: ref.provider, secrets: ctx.secrets, nowMs: ctx.clock.now() });
  } finally {
    timer.clear();
  }
}
