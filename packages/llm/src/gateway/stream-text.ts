import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { LlmError } from '../llm-error.js';
import { classifyProviderError } from '../providers/classify-provider-error.js';
import type { LlmRequest, LlmTextResult, LlmTextStream } from '../types.js';
import type { ModelRef } from '../config/gateway-config.js';
import { planCall, type CallPlan } from './call-plan.js';
import { createDeltaQueue } from './delta-queue.js';
import { attemptError, startCallTimer, type CallTimer } from './call-timer.js';
import { finishFromBuiltin, finishFromCache, finishFromProvider } from './finish-call.js';
import type { GatewayContext, ProviderState } from './gateway-context.js';
import { planCacheKey } from './plan-cache-key.js';
import { rawUsage, streamWithModel, type RawUsage } from '../providers/call-model.js';
import { priceCall, recordUsage, resolveTokenUsage } from './record-usage.js';
import { noteProviderFailure, runChain } from './run-chain.js';

/** A provider stream that has produced its first text (or finished without any). */
interface OpenStream {
  first: string;
  rest: AsyncGenerator<string>;
  usage(): RawUsage | undefined;
  timer: CallTimer;
}

/**
 * Streams text deltas. Until the first text arrives the call can still move on — a provider that
 * fails, or sends nothing before `firstTokenTimeoutMs`, is retried or replaced like in
 * generateText. Once text has reached the reader, a failure ends the stream with
 * STREAM_INTERRUPTED rather than splicing in another model's answer.
 */
export function gatewayStreamText(ctx: GatewayContext, input: LlmRequest): LlmTextStream {
  let readerGone = false;
  let open: OpenStream | undefined;
  const queue = createDeltaQueue(() => {
    // The reader stopped early: stop the provider too.
    readerGone = true;
    open?.timer.abort();
  });
  const stopIfReaderGone = () => {
    if (readerGone) throw new LlmError('ABORTED', 'The stream was closed by its reader before it finished.');
  };

  async function produce(): Promise<LlmTextResult> {
    const plan = await planCall(ctx, input);
    const { request } = plan;
    const cacheKey = planCacheKey(ctx, plan);
    const outcome = await runChain<OpenStream>(ctx, plan, {
      ...(cacheKey ? { cacheKey } : {}),
      attempt: (ref, state) => openProviderStream(ctx, plan, ref, state),
    });
    if (outcome.kind === 'cached') {
      const r = await finishFromCache(ctx, plan, outcome.ref, outcome.cached);
      if (r.text) queue.push(r.text);
      return r;
    }
    if (outcome.kind === 'exhausted') {
      const r = await finishFromBuiltin(ctx, plan, outcome.notice);
      if (r.text) queue.push(r.text);
      return r;
    }
    open = outcome.value;
    const { ref, state } = outcome;
    try {
      stopIfReaderGone();
      let text = open.first;
      if (open.first) queue.push(open.first);
      try {
        for await (const delta of open.rest) {
          stopIfReaderGone();
          text += delta;
          queue.push(delta);
        }
      } catch (thrown) {
        stopIfReaderGone();
        const cause = LlmError.isInstance(thrown) ? thrown : classifyProviderError(thrown, { providerId: ref.provider, secrets: ctx.secrets, nowMs: ctx.clock.now() });
        if (cause.code === 'ABORTED') throw cause;
        const error = new LlmError('STREAM_INTERRUPTED', `Provider "${ref.provider}" stopped mid-answer (${cause.code}); ask again.`, { providerId: ref.provider, cause });
        const latencyMs = performance.now() - outcome.attemptStartedAt;
        noteProviderFailure(ctx, state, error);
        plan.attempts.push({ provider: ref.provider, model: ref.model, outcome: 'error', errorCode: error.code, latencyMs });
        const usage = await resolveTokenUsage(request, undefined, text);
        await recordUsage(ctx, plan, { provider: ref.provider, model: ref.model, outcome: 'error', errorCode: error.code, latencyMs, usage, costUsd: priceCall(ctx, ref.provider, ref.model, usage) });
        throw error;
      }
      return await finishFromProvider(ctx, plan, { ref, attemptStartedAt: outcome.attemptStartedAt, text, rawUsage: open.usage(), cacheKey: cacheKey?.(ref) });
    } finally {
      open.timer.clear();
    }
  }

  const result = produce().then(
    (r) => {
      queue.end();
      return r;
    },
    (error: unknown) => {
      queue.fail(error);
      throw error;
    },
  );
  // Readers that only iterate must not see an unhandled rejection; `result` still rejects for those who await it.
  result.catch(() => {});
  return { result, [Symbol.asyncIterator]: () => queue.reader };
}

async function openProviderStream(ctx: GatewayContext, plan: CallPlan, ref: ModelRef, state: ProviderState): Promise<OpenStream> {
  const { request } = plan;
  const providerId = ref.provider;
  const timer = startCallTimer(request.signal, plan.timeoutMs);
  timer.armFirstToken(plan.firstTokenTimeoutMs);
  const classify = (error: unknown) =>
    attemptError(error, timer, { providerId, secrets: ctx.secrets, nowMs: ctx.clock.now() });
  let reader: ReadableStreamDefaultReader<LanguageModelV3StreamPart>;
  try {
    const stream = await streamWithModel(state.runtime.languageModel(ref.model), {
      system: request.system,
      messages: request.messages,
      maxOutputTokens: request.maxOutputTokens,
      temperature: plan.temperature,
      abortSignal: timer.signal,
      providerOptions: state.runtime.providerOptions({ maxOutputTokens: request.maxOutputTokens, structured: false }),
    });
    reader = stream.getReader();
  } catch (error) {
    timer.clear();
    throw classify(error);
  }
  let usage: RawUsage | undefined;
  let finished = false;

  /** Next text delta, or undefined at the end; provider errors and aborts are thrown. */
  const nextText = async (): Promise<string | undefined> => {
    for (;;) {
      const { value: part, done } = await reader.read();
      if (done) {
        finished = true;
        return undefined;
      }
      if (part.type === 'text-delta' && part.delta.length > 0) return part.delta;
      if (part.type === 'finish') usage = rawUsage(part.usage);
      if (part.type === 'error') throw part.error;
    }
  };

  let first: string | undefined;
  try {
    first = await nextText();
  } catch (error) {
    timer.clear();
    throw classify(error);
  }
  timer.clearFirstToken();

  async function* rest(): AsyncGenerator<string> {
    if (finished) return;
    try {
      for (let delta = await nextText(); delta !== undefined; delta = await nextText()) yield delta;
    } catch (error) {
      reader.cancel().catch(() => {});
      throw classify(error);
    }
  }
  return { first: first ?? '', rest: rest(), usage: () => usage, timer };
}
