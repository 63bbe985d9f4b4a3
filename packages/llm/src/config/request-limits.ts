import { z } from 'zod';
import { LlmError } from '../llm-error.js';
import { LLM_TASKS, type LlmRequest } from '../types.js';

/**
 * Every limit on what a caller may send through the gateway, in one place. Requests come from
 * chat, email and MCP, so their size is bounded before anything is hashed, counted or sent.
 */
export const REQUEST_LIMITS = {
  /** Turns in one request; longer conversations should be summarised first. */
  maxMessages: 500,
  /** Characters in one message (a pasted document is fine, a whole mailbox is not). */
  maxMessageChars: 200_000,
  /** Characters across all messages together. */
  maxTotalChars: 1_000_000,
  /** Characters in the system prompt. */
  maxSystemChars: 100_000,
  /** Length of org / user / conversation / app ids. */
  maxIdChars: 200,
  /** Upper bound for `maxOutputTokens`. */
  maxOutputTokens: 200_000,
  /** Tools offered in one request (each costs prompt tokens, and models choose worse among many). */
  maxTools: 32,
  /** Characters of a tool's description. */
  maxToolDescriptionChars: 1024,
  /** Characters of a tool's input schema as JSON (a tool's server is outside the marketplace). */
  maxToolSchemaChars: 16_000,
  /** Model calls in one tool-using request: at most three rounds of tool calls, then the answer. */
  maxToolSteps: 4,
  /** Tool calls the model may make in one request, across all rounds (a round may ask for several). */
  maxToolCalls: 8,
  /** UTF-8 bytes of one tool answer sent to the model; the rest is cut and the model is told so. */
  maxToolResultBytes: 8_192,
} as const;

const id = z.string().min(1, 'must not be empty').max(REQUEST_LIMITS.maxIdChars);

const toolSchema = z.object({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a tool name has 1 to 64 letters, digits, "_" or "-"'),
  description: z.string().max(REQUEST_LIMITS.maxToolDescriptionChars),
  inputSchema: z
    .record(z.string(), z.unknown())
    .refine((schema) => schema.type === 'object', 'a tool\'s inputSchema must be a JSON Schema with type "object"')
    .refine((schema) => JSON.stringify(schema).length <= REQUEST_LIMITS.maxToolSchemaChars, `a tool's inputSchema may have at most ${REQUEST_LIMITS.maxToolSchemaChars} characters as JSON`),
  execute: z.custom<(input: Record<string, unknown>, options: { signal?: AbortSignal | undefined }) => Promise<string>>((value) => typeof value === 'function', 'execute must be a function'),
});

const messageSchema = z.strictObject({
  role: z.enum(['user', 'assistant'], {
    error: 'role must be "user" or "assistant"; put instructions in `system`, never in a message',
  }),
  content: z.string().max(REQUEST_LIMITS.maxMessageChars, `a message may have at most ${REQUEST_LIMITS.maxMessageChars} characters`),
});

export const llmRequestSchema = z
  .object({
    task: z.enum(LLM_TASKS),
    orgId: id,
    userId: id.optional(),
    conversationId: id.optional(),
    appId: id.optional(),
    system: z.string().max(REQUEST_LIMITS.maxSystemChars),
    messages: z
      .array(messageSchema)
      .min(1, 'at least one message is needed')
      .max(REQUEST_LIMITS.maxMessages, `at most ${REQUEST_LIMITS.maxMessages} messages; summarise older turns first`),
    maxOutputTokens: z.number().int().min(1).max(REQUEST_LIMITS.maxOutputTokens).optional(),
    temperature: z.number().min(0).max(2).optional(),
    tools: z
      .array(toolSchema)
      .max(REQUEST_LIMITS.maxTools, `at most ${REQUEST_LIMITS.maxTools} tools; offer fewer`)
      .refine((tools) => new Set(tools.map((t) => t.name)).size === tools.length, 'tool names must be unique')
      .optional(),
    signal: z.instanceof(AbortSignal).optional(),
  })
  .refine((r) => r.messages.reduce((sum, m) => sum + m.content.length, 0) <= REQUEST_LIMITS.maxTotalChars, {
    message: `messages may have at most ${REQUEST_LIMITS.maxTotalChars} characters together`,
    path: ['messages'],
  });

/** Validates a request from a caller, or throws REQUEST_INVALID naming what was wrong. */
export function parseLlmRequest(value: unknown): LlmRequest {
  const parsed = llmRequestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`);
  throw new LlmError('REQUEST_INVALID', `The LLM request is invalid: ${issues.join('; ')}`, { details: { issues } });
}
