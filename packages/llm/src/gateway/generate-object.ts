import { generateText as sdkGenerateText, NoObjectGeneratedError, Output } from 'ai';
import { z } from 'zod';
import { LlmError } from '../llm-error.js';
import { classifyProviderError } from '../providers/classify-provider-error.js';
import type { ChatMessage, LlmObjectResult, LlmRequest } from '../types.js';
import { planCall } from './call-plan.js';
import { startCallTimer } from './call-timer.js';
import { finishFromBuiltin, finishFromCache, finishFromProvider } from './finish-call.js';
import type { GatewayContext } from './gateway-context.js';
import { planCacheKey } from './plan-cache-key.js';
import type { RawUsage } from './record-usage.js';
import { runChain } from './run-chain.js';

export interface LlmObjectRequest<T> extends LlmRequest {
  /** The shape the answer must have; output that does not parse is retried once, then the built-in engine answers. */
  schema: z.ZodType<T>;
}

const schemaTexts = new WeakMap<z.ZodType, string | null>();

/** JSON Schema text of a zod schema (part of the cache key), or null if it has no JSON form. */
function schemaText(schema: z.ZodType): string | null {
  let text = schemaTexts.get(schema);
  if (text === undefined) {
    try {
      text = JSON.stringify(z.toJSONSchema(schema));
    } catch {
      text = null;
    }
    schemaTexts.set(schema, text);
  }
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

function describeIssues(error: NoObjectGeneratedError): string {
  const cause = error.cause as { cause?: { issues?: { path?: PropertyKey[]; message?: string }[] } } | undefined;
  const issues = cause?.cause?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return 'it could not be parsed as JSON';
  return issues
    .slice(0, 5)
    .map((i) => `${(i.path ?? []).map(String).join('.') || '(root)'}: ${i.message ?? 'invalid'}`)
    .join('; ');
}

/** Structured output validated against a zod schema; the result's `object` always satisfies it. */
export async function gatewayGenerateObject<T>(ctx: GatewayContext, input: LlmObjectRequest<T>): Promise<LlmObjectResult<T>> {
  const { schema, ...rest } = input;
  if (!(schema instanceof z.ZodType)) {
    throw new LlmError('REQUEST_INVALID', 'generateObject needs `schema`: a zod schema describing the object to produce.');
  }
  const plan = await planCall(ctx, rest);
  const { request } = plan;
  const text = schemaText(schema);
  const cacheKey = text === null ? undefined : planCacheKey(ctx, plan, text);
  const outcome = await runChain<{ text: string; object: T; usage: RawUsage }>(ctx, plan, {
    ...(cacheKey ? { cacheKey } : {}),
    acceptCached: (cached) => schema.safeParse(cached.object).success,
    async attempt(ref, state, invalidOutputs) {
      const timer = startCallTimer(request.signal, plan.timeoutMs);
      const previous = invalidOutputs.at(-1);
      try {
        const providerOptions = state.runtime.providerOptions({ maxOutputTokens: request.maxOutputTokens });
        const result = await sdkGenerateText({
          model: state.runtime.languageModel(ref.model),
          system: request.system || undefined,
          messages: previous ? [...request.messages, ...correctionTurns(previous)] : request.messages,
          output: Output.object({ schema }),
          maxOutputTokens: request.maxOutputTokens,
          temperature: plan.temperature,
          maxRetries: 0,
          abortSignal: timer.signal,
          ...(providerOptions ? { providerOptions } : {}),
        });
        let object: T;
        try {
          object = result.output as T;
        } catch {
          // The model answered, but with no JSON at all (e.g. a tool call instead of content).
          throw new LlmError('INVALID_OUTPUT', `Provider "${ref.provider}" answered without the requested JSON object.`, {
            providerId: ref.provider,
            details: { text: result.text, usage: result.usage, issues: 'the reply held no JSON object' },
          });
        }
        return { text: result.text, object, usage: result.usage };
      } catch (error) {
        if (LlmError.isInstance(error)) throw error;
        if (NoObjectGeneratedError.isInstance(error)) {
          throw new LlmError('INVALID_OUTPUT', `Provider "${ref.provider}" returned output that does not match the requested schema.`, {
            providerId: ref.provider,
            details: { text: error.text ?? '', usage: error.usage, issues: describeIssues(error) },
          });
        }
        throw classifyProviderError(error, {
          providerId: ref.provider,
          secrets: ctx.secrets,
          nowMs: ctx.clock.now(),
          timedOut: timer.timedOut,
          callerAborted: timer.callerAborted,
        });
      } finally {
        timer.clear();
      }
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
