import type { z } from 'zod';
import { LlmError } from '../llm-error.js';
import { generateWithModel, jsonSchemaOf, type RawUsage } from '../providers/call-model.js';
import type { ChatMessage, LlmObjectResult, LlmRequest } from '../types.js';
import { planCall } from './call-plan.js';
import { attemptError, startCallTimer } from './call-timer.js';
import { finishFromBuiltin, finishFromCache, finishFromProvider } from './finish-call.js';
import type { GatewayContext } from './gateway-context.js';
import { planCacheKey } from './plan-cache-key.js';
import { runChain } from './run-chain.js';

export interface LlmObjectRequest<T> extends LlmRequest {
  /** The shape the answer must have; output that does not parse is retried once, then the built-in engine answers. */
  schema: z.ZodType<T>;
}

const schemaTexts = new WeakMap<object, string>();

/** JSON Schema text (part of the cache key), computed once per schema. */
function schemaText(jsonSchema: object): string {
  let text = schemaTexts.get(jsonSchema);
  if (text === undefined) schemaTexts.set(jsonSchema, (text = JSON.stringify(jsonSchema)));
  return text;
}

/** Longest slice of an invalid answer echoed back when asking the model to correct it. */
const MAX_ECHOED_CHARS = 4000;

/**
 * After an invalid answer, the retry shows the model what it sent and what was wrong — as a
 * new turn, so the system prompt and the user's own messages stay exactly as they were.
 */
function correctionTurns(previous: LlmError): ChatMessage[] {
  const text = String(previous.details?.text ?? '').slice(0, MAX_ECHOED_CHARS);
  const issues = String(previous.details?.issues ?? 'it could not be parsed as JSON');
  return [
    { role: 'assistant', content: text.length > 0 ? text : '(empty reply)' },
    { role: 'user', content: `That reply does not match the required JSON schema (${issues}). Reply again with only the JSON object.` },
  ];
}

/**
 * Reads a structured answer: JSON text that must satisfy the schema. Returns the parsed value, or
 * a short description of what was wrong (sent back to the model on the retry).
 */
function parseStructured<T>(schema: z.ZodType<T>, text: string): { ok: true; value: T } | { ok: false; issues: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, issues: text.trim() ? 'it is not valid JSON' : 'the reply held no JSON object' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  return { ok: false, issues };
}

/** Structured output validated against a zod schema; the result's `object` always satisfies it. */
export async function gatewayGenerateObject<T>(ctx: GatewayContext, input: LlmObjectRequest<T>): Promise<LlmObjectResult<T>> {
  const { schema, ...rest } = input;
  // Duck-typed, so a schema built with another copy of zod 4 is accepted too.
  if (typeof (schema as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
    throw new LlmError('REQUEST_INVALID', 'generateObject needs `schema`: a zod schema describing the object to produce.');
  }
  const plan = await planCall(ctx, rest);
  const { request } = plan;
  let jsonSchema: Awaited<ReturnType<typeof jsonSchemaOf>>;
  try {
    jsonSchema = await jsonSchemaOf(schema);
  } catch (error) {
    throw new LlmError('REQUEST_INVALID', `generateObject's schema has no JSON Schema form (${(error as Error).message}); use plain objects, strings, numbers, enums and arrays.`);
  }
  const cacheKey = planCacheKey(ctx, plan, schemaText(jsonSchema));
  const outcome = await runChain<{ text: string; object: T; usage: RawUsage }>(ctx, plan, {
    ...(cacheKey ? { cacheKey } : {}),
    acceptCached: (cached) => schema.safeParse(cached.object).success,
    async attempt(ref, state, invalidOutputs) {
      const timer = startCallTimer(request.signal, plan.timeoutMs);
      const previous = invalidOutputs.at(-1);
      let answer: { text: string; usage: RawUsage };
      try {
        answer = await generateWithModel(state.runtime.languageModel(ref.model), {
          system: request.system,
          messages: previous ? [...request.messages, ...correctionTurns(previous)] : request.messages,
          jsonSchema,
          maxOutputTokens: request.maxOutputTokens,
          temperature: plan.temperature,
          abortSignal: timer.signal,
          providerOptions: state.runtime.providerOptions({ maxOutputTokens: request.maxOutputTokens, structured: true }),
        });
      } catch (error) {
        throw attemptError(error, timer, { providerId: ref.provider, secrets: ctx.secrets, nowMs: ctx.clock.now() });
      } finally {
        timer.clear();
      }
      const parsed = parseStructured(schema, answer.text);
      if (!parsed.ok) {
        throw new LlmError('INVALID_OUTPUT', `Provider "${ref.provider}" returned output that does not match the requested schema (${parsed.issues}).`, {
          providerId: ref.provider,
          details: { text: answer.text, usage: answer.usage, issues: parsed.issues },
        });
      }
      return { text: answer.text, object: parsed.value, usage: answer.usage };
    },
  });
  switch (outcome.kind) {
    case 'cached': {
      const result = await finishFromCache(ctx, plan, outcome.ref, outcome.cached);
      return { ...result, object: schema.parse(outcome.cached.object) };
    }
    case 'answer': {
      const result = await finishFromProvider(ctx, plan, {
        ref: outcome.ref,
        attemptStartedAt: outcome.attemptStartedAt,
        text: outcome.value.text,
        rawUsage: outcome.value.usage,
        object: outcome.value.object,
        cacheKey: cacheKey?.(outcome.ref),
      });
      return { ...result, object: outcome.value.object };
    }
    case 'exhausted': {
      const result = await finishFromBuiltin(ctx, plan, outcome.notice, schema);
      return { ...result, object: result.object as T };
    }
  }
}
