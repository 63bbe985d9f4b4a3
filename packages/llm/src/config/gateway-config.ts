import { z } from 'zod';
import { LlmError } from '../llm-error.js';
import { LLM_TASKS } from '../types.js';

/** Reserved for the built-in engine, which is always the last provider in every chain. */
export const BUILTIN_PROVIDER_ID = 'builtin';

const providerId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'provider id must be 1-63 characters: lowercase letters, digits, ".", "_" or "-"')
  .refine((id) => id !== BUILTIN_PROVIDER_ID, `provider id "${BUILTIN_PROVIDER_ID}" is reserved for the built-in engine`);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://127.0.0.1:8000/v1' });
const modelId = z.string().min(1, 'model id must not be empty').max(200);
const apiKey = z.string().min(1, 'API key must not be empty');

const providerBase = {
  id: providerId,
  /** Model used when no route names one; `largeModel` for long or many-turn requests. */
  defaultModel: modelId.optional(),
  largeModel: modelId.optional(),
};

export const providerConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...providerBase,
    kind: z.literal('openai'),
    apiKey,
    baseURL: httpUrl.optional(),
    organization: z.string().optional(),
    project: z.string().optional(),
    /** OpenAI strict JSON schema mode rejects schemas with optional fields; off by default. */
    strictJsonSchema: z.boolean().default(false),
  }),
  z.strictObject({
    ...providerBase,
    /** vLLM, LM Studio, llama.cpp server, Azure OpenAI (v1 API) — anything speaking Chat Completions. */
    kind: z.literal('openai-compatible'),
    baseURL: httpUrl,
    apiKey: apiKey.optional(),
    /** Azure expects the key in an `api-key` header rather than `Authorization: Bearer`. */
    apiKeyHeader: z.enum(['authorization', 'api-key']).default('authorization'),
    headers: z.record(z.string(), z.string()).optional(),
    strictJsonSchema: z.boolean().default(false),
  }),
  z.strictObject({ ...providerBase, kind: z.literal('anthropic'), apiKey, baseURL: httpUrl.optional() }),
  z.strictObject({ ...providerBase, kind: z.literal('ollama'), baseURL: httpUrl.optional() }),
]);

export type ProviderConfig = z.input<typeof providerConfigSchema>;
export type ResolvedProviderConfig = z.output<typeof providerConfigSchema>;

const modelRefSchema = z.strictObject({ provider: providerId, model: modelId });
export type ModelRef = z.output<typeof modelRefSchema>;

const timeoutMs = z.number().int().min(1).max(600_000);

const taskRouteSchema = z.strictObject({
  /** Tried in order for ordinary requests. */
  small: z.array(modelRefSchema).default([]),
  /** Tried first for long or many-turn requests (then `small`). */
  large: z.array(modelRefSchema).default([]),
  /** `auto` picks by request size; `large`/`small` force one list first. */
  size: z.enum(['auto', 'small', 'large']).default('auto'),
  temperature: z.number().min(0).max(2).optional(),
  timeoutMs: timeoutMs.optional(),
  firstTokenTimeoutMs: timeoutMs.optional(),
});
export type TaskRoute = z.output<typeof taskRouteSchema>;

export const routingConfigSchema = z
  .strictObject({
    tasks: z.partialRecord(z.enum(LLM_TASKS), taskRouteSchema).default({}),
    /** Route for tasks without their own; without it, providers are tried in config order. */
    default: taskRouteSchema.optional(),
    /** A request is "large" above this many input tokens (estimated as characters / 4)… */
    largeAboveInputTokens: z.number().int().min(1).default(3000),
    /** …or above this many messages. */
    largeAboveTurns: z.number().int().min(1).default(16),
  })
  .default({ tasks: {}, largeAboveInputTokens: 3000, largeAboveTurns: 16 });
export type RoutingConfig = z.input<typeof routingConfigSchema>;
export type ResolvedRoutingConfig = z.output<typeof routingConfigSchema>;

export const resilienceConfigSchema = z
  .strictObject({
    /** Whole-call limit for one provider attempt. */
    timeoutMs: timeoutMs.default(60_000),
    /** Streaming: give up on a provider that has sent no text by then (and try the next). */
    firstTokenTimeoutMs: timeoutMs.default(15_000),
    /** Retries at the same provider for 429 / 5xx / timeouts, before moving on. */
    maxRetries: z.number().int().min(0).max(10).default(2),
    baseDelayMs: z.number().int().min(0).default(250),
    maxDelayMs: z.number().int().min(0).default(4_000),
    /** A Retry-After longer than this moves the call to the next provider instead of waiting. */
    maxRetryAfterMs: z.number().int().min(0).default(10_000),
    breakerFailureThreshold: z.number().int().min(1).default(5),
    breakerCooldownMs: z.number().int().min(1).default(30_000),
    /** Limit for `checkProvider` / `listModels`. */
    probeTimeoutMs: timeoutMs.default(5_000),
  })
  .default({
    timeoutMs: 60_000,
    firstTokenTimeoutMs: 15_000,
    maxRetries: 2,
    baseDelayMs: 250,
    maxDelayMs: 4_000,
    maxRetryAfterMs: 10_000,
    breakerFailureThreshold: 5,
    breakerCooldownMs: 30_000,
    probeTimeoutMs: 5_000,
  });
export type ResilienceConfig = z.input<typeof resilienceConfigSchema>;
export type ResolvedResilienceConfig = z.output<typeof resilienceConfigSchema>;

export const orgLimitsSchema = z
  .strictObject({
    /** Past this spend in the period, results carry a warning (logged once per org and period). */
    softBudgetUsd: z.number().min(0).optional(),
    /** At or past this spend, calls are refused with BUDGET_EXCEEDED before any provider is called. */
    hardBudgetUsd: z.number().min(0).optional(),
    budgetPeriod: z.enum(['day', 'month']).default('month'),
    requestsPerMinute: z.number().int().min(1).optional(),
  })
  .refine((l) => l.softBudgetUsd === undefined || l.hardBudgetUsd === undefined || l.softBudgetUsd <= l.hardBudgetUsd, {
    message: 'softBudgetUsd must not be above hardBudgetUsd',
  });
export type OrgLimits = z.input<typeof orgLimitsSchema>;
export type ResolvedOrgLimits = z.output<typeof orgLimitsSchema>;

export const modelPriceSchema = z.strictObject({
  inputUsdPerMillion: z.number().min(0),
  outputUsdPerMillion: z.number().min(0),
});
export type ModelPrice = z.output<typeof modelPriceSchema>;

/** Parses `value` with `schema`, or throws CONFIG_INVALID naming every wrong field. */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new LlmError('CONFIG_INVALID', `The LLM gateway's ${what} is invalid; fix these fields:\n${z.prettifyError(parsed.error)}`, {
    details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
  });
}
