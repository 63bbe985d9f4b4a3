import { createLlmGateway, type BuiltinEngine, type Clock, type LlmGatewayOptions, type LlmLogger, type UsageRecord } from '../../src/index.js';

/** A clock whose waits return at once but move time forward, and are remembered. */
export function manualClock(start = Date.UTC(2025, 5, 10, 9, 0, 0)): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    advance(ms) {
      now += ms;
    },
  };
}

export interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** Keeps every log line, to check what was (and was not) logged. */
export function captureLogger(): LlmLogger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message?: string) => void lines.push({ level, fields, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), text: () => JSON.stringify(lines) };
}

export const BUILTIN_TEXT = 'Built-in engine: tell me more about the app you need.';

/** Stands in for the offline engine: answers every task, and remembers it was asked. */
export function recordingBuiltin(object?: unknown): BuiltinEngine & { calls: number } {
  const engine = Object.assign(
    () => {
      engine.calls += 1;
      return { text: BUILTIN_TEXT, ...(object === undefined ? {} : { object }) };
    },
    { calls: 0 },
  );
  return engine;
}

/** A gateway with a manual clock, captured logs and usage records; `options` override the defaults. */
export function testGateway(options: Partial<LlmGatewayOptions> = {}) {
  const clock = manualClock();
  const logger = captureLogger();
  const records: UsageRecord[] = [];
  const builtin = recordingBuiltin();
  const gateway = createLlmGateway({
    builtin,
    clock,
    logger,
    usageSink: (r) => void records.push(r),
    random: () => 0.5,
    ...options,
  });
  return { gateway, clock, logger, records, builtin };
}

export const SYSTEM = 'You help employees describe internal tools. Answer in two sentences.';

export function userRequest(text: string, extra: Record<string, unknown> = {}) {
  return { task: 'chat' as const, orgId: 'org-acme', userId: 'user-ada', conversationId: 'conv-1', system: SYSTEM, messages: [{ role: 'user' as const, content: text }], ...extra };
}
