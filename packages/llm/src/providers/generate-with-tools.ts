import type { LanguageModelV3 } from '@ai-sdk/provider';
import { REQUEST_LIMITS } from '../config/request-limits.js';
import type { LlmTool, ToolCallSummary } from '../types.js';
import type { ModelCall, RawUsage } from './call-model.js';

export interface ToolStep {
  text: string;
  usage: RawUsage;
}

export interface ToolCallOutcome {
  /** Text of the final step (the answer). */
  text: string;
  toolCalls: ToolCallSummary[];
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes, never in the middle of a character. */
export function capUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.byteLength <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  // a continuation byte (10xxxxxx) means the cut falls inside a character: step back to its start
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

/**
 * A model call that may use tools, through the AI SDK's own tool loop (`generateText` with
 * `tools`): the provider's native tool-calling format, at most `REQUEST_LIMITS.maxToolSteps` model
 * calls (the last one may not call tools, so it answers in words), at most `maxToolCalls` tool runs,
 * each answer capped at `maxToolResultBytes`. Retries are the gateway's, so the SDK makes none.
 * `onStep` sees each finished model call, also when a later one fails, so every step's tokens are counted.
 */
export async function generateWithTools(model: LanguageModelV3, call: ModelCall, tools: readonly LlmTool[], onStep: (step: ToolStep) => void): Promise<ToolCallOutcome> {
  // The AI SDK (large) loads with the first tool-using call, not when the gateway is built.
  const { generateText, jsonSchema, stepCountIs, tool } = await import('ai');
  const toolCalls: ToolCallSummary[] = [];
  const maxSteps = REQUEST_LIMITS.maxToolSteps;
  const toolSet = Object.fromEntries(
    tools.map((offered) => [
      offered.name,
      tool({
        description: offered.description,
        inputSchema: jsonSchema<Record<string, unknown>>(offered.inputSchema as Parameters<typeof jsonSchema>[0]),
        async execute(input) {
          if (toolCalls.length >= REQUEST_LIMITS.maxToolCalls) {
            toolCalls.push({ name: offered.name, outcome: 'limit', bytes: 0, truncated: false });
            return `Not run: this answer may call at most ${REQUEST_LIMITS.maxToolCalls} tools. Answer with what you have.`;
          }
          const summary: ToolCallSummary = { name: offered.name, outcome: 'ok', bytes: 0, truncated: false };
          toolCalls.push(summary);
          let answer: string;
          try {
            answer = await offered.execute(input && typeof input === 'object' ? input : {}, { signal: call.abortSignal });
          } catch (error) {
            if (call.abortSignal.aborted) throw error;
            summary.outcome = 'error';
            answer = `The tool failed: ${(error instanceof Error ? error.message : String(error)).slice(0, 500)}`;
          }
          const capped = capUtf8(String(answer), REQUEST_LIMITS.maxToolResultBytes);
          summary.bytes = Buffer.byteLength(capped.text);
          summary.truncated = capped.truncated;
          return capped.truncated ? `${capped.text}\n[cut: the tool answered more than ${REQUEST_LIMITS.maxToolResultBytes} bytes]` : capped.text;
        },
      }),
    ]),
  );
  const result = await generateText({
    model,
    system: call.system,
    messages: call.messages.map((m) => ({ role: m.role, content: m.content })),
    tools: toolSet,
    stopWhen: stepCountIs(maxSteps),
    // The last model call may not ask for more tools: it must answer with what the tools said.
    prepareStep: ({ stepNumber }) => (stepNumber >= maxSteps - 1 ? { toolChoice: 'none' as const } : undefined),
    maxRetries: 0,
    abortSignal: call.abortSignal,
    ...(call.maxOutputTokens === undefined ? {} : { maxOutputTokens: call.maxOutputTokens }),
    ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
    ...(call.providerOptions ? { providerOptions: call.providerOptions } : {}),
    onStepFinish: (step) => onStep({ text: step.text, usage: { inputTokens: step.usage.inputTokens, outputTokens: step.usage.outputTokens } }),
  });
  return { text: result.text, toolCalls };
}
