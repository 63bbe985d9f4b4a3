import type { LlmErrorCode } from './llm-error.js';

/** What a call is for; each task has its own route (models, timeouts, temperature). */
export const LLM_TASKS = ['chat', 'spec-extraction', 'code-refinement', 'summarising'] as const;
export type LlmTask = (typeof LLM_TASKS)[number];

/**
 * One turn of a conversation. There is deliberately no `system` role: the system prompt is a
 * separate field that only code sets, so text from users can never become instructions.
 */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * A tool the model may call during `generateText`. The caller supplies `execute`; what it returns
 * is untrusted data, sent back to the model as the tool's result (capped), never as instructions.
 */
export interface LlmTool {
  /** What the model calls it: letters, digits, `_` and `-`, at most 64 characters (the providers' rule). */
  name: string;
  description: string;
  /** JSON Schema of the tool's input: an object schema. */
  inputSchema: Record<string, unknown>;
  /** Runs the tool; a thrown error is reported to the model as the tool's failure, not to the caller. */
  execute(input: Record<string, unknown>, options: { signal?: AbortSignal | undefined }): Promise<string>;
}

/** One tool call the model made during a call. */
export interface ToolCallSummary {
  name: string;
  /** ok: the tool answered; error: it threw; limit: refused because the call's tool-call budget was spent. */
  outcome: 'ok' | 'error' | 'limit';
  /** Size of the answer sent to the model, after the cap. */
  bytes: number;
  truncated: boolean;
}

export interface LlmRequest {
  task: LlmTask;
  orgId: string;
  userId?: string;
  conversationId?: string;
  appId?: string;
  /** Instructions written by the marketplace itself — never text from a user. */
  system: string;
  messages: ChatMessage[];
  maxOutputTokens?: number;
  temperature?: number;
  /** Tools the model may call (generateText only); such a call is never served from or stored in the cache. */
  tools?: readonly LlmTool[];
  /** Aborts the call (e.g. the SSE client went away); the gateway then stops without falling back. */
  signal?: AbortSignal;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** True when the provider reported no usage and the gateway counted tokens itself. */
  estimated: boolean;
}

/** Something the caller may want to show: the answer came from the built-in engine, and why. */
export type LlmNotice = 'llm-output-invalid' | 'providers-unavailable';

export interface LlmWarning {
  code: 'BUDGET_SOFT_LIMIT';
  message: string;
}

/** One try against one provider/model (or the cache, or the built-in engine). */
export interface AttemptSummary {
  provider: string;
  model: string;
  outcome: 'success' | 'error' | 'invalid-output' | 'circuit-open' | 'cache-hit';
  errorCode?: LlmErrorCode;
  latencyMs: number;
}

export interface LlmTextResult {
  text: string;
  provider: string;
  model: string;
  usage: TokenUsage;
  costUsd: number;
  latencyMs: number;
  cacheHit: boolean;
  attempts: AttemptSummary[];
  warnings: LlmWarning[];
  notice?: LlmNotice;
  /** The tool calls the model made, in order (only when the request offered tools). */
  toolCalls?: ToolCallSummary[];
}

export interface LlmObjectResult<T> extends LlmTextResult {
  object: T;
}

/** Text deltas as they arrive, then `result` once the stream has finished. */
export interface LlmTextStream extends AsyncIterable<string> {
  readonly result: Promise<LlmTextResult>;
}

export type UsageOutcome = 'success' | 'error' | 'invalid-output' | 'refused';

/** One record per provider call, cache hit, built-in answer or refusal; the unit of cost attribution. */
export interface UsageRecord {
  requestId: string;
  at: string;
  orgId: string;
  userId: string | null;
  conversationId: string | null;
  appId: string | null;
  task: LlmTask;
  provider: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  tokensEstimated: boolean;
  costUsd: number;
  latencyMs: number;
  cacheHit: boolean;
  outcome: UsageOutcome;
  errorCode?: LlmErrorCode;
}

export type UsageSink = (record: UsageRecord) => void | Promise<void>;

/** Input the built-in engine receives when every provider failed, or none is configured. */
export interface BuiltinInput {
  system: string;
  messages: ChatMessage[];
  /** Present for structured output: the engine must return an `object` matching it. */
  schema?: unknown;
}

export interface BuiltinOutput {
  text: string;
  object?: unknown;
}

/** The offline engine, injected so this package does not depend on it. */
export type BuiltinEngine = (task: LlmTask, input: BuiltinInput) => BuiltinOutput | Promise<BuiltinOutput>;
