import { classifyProviderError } from '../providers/classify-provider-error.js';
import type { LlmError } from '../llm-error.js';

/**
 * The abort signal for one provider attempt: fires on the gateway's own timeouts (whole call,
 * first token) or when the caller's signal fires, and remembers which of them it was.
 */
export interface CallTimer {
  readonly signal: AbortSignal;
  readonly timedOut: 'call' | 'first-token' | undefined;
  readonly callerAborted: boolean;
  /** Arms a timer that aborts unless `clearFirstToken` is called first. */
  armFirstToken(ms: number): void;
  clearFirstToken(): void;
  /** Stops the attempt for a reason of the gateway's own (e.g. the reader went away). */
  abort(): void;
  clear(): void;
}

export function startCallTimer(callerSignal: AbortSignal | undefined, timeoutMs: number): CallTimer {
  const controller = new AbortController();
  let timedOut: 'call' | 'first-token' | undefined;
  let firstTokenTimer: NodeJS.Timeout | undefined;
  const expire = (kind: 'call' | 'first-token') => {
    if (controller.signal.aborted) return;
    timedOut = kind;
    controller.abort(new Error(`llm ${kind} timeout`));
  };
  const callTimer = setTimeout(() => expire('call'), timeoutMs);
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    get callerAborted() {
      return timedOut === undefined && (callerSignal?.aborted ?? false);
    },
    armFirstToken(ms) {
      firstTokenTimer = setTimeout(() => expire('first-token'), ms);
    },
    clearFirstToken() {
      clearTimeout(firstTokenTimer);
    },
    abort() {
      controller.abort(new Error('llm call stopped'));
    },
    clear() {
      clearTimeout(callTimer);
      clearTimeout(firstTokenTimer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/** What a provider attempt timed by `timer` failed with, as an LlmError (secrets redacted, the gateway's own timeouts named). */
export function attemptError(error: unknown, timer: CallTimer, call: { providerId: string; secrets: string[]; nowMs: number }): LlmError {
  return classifyProviderError(error, { ...call, timedOut: timer.timedOut, callerAborted: timer.callerAborted });
}
