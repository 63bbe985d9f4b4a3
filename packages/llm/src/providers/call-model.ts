import type { JSONSchema7, LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3Prompt, LanguageModelV3StreamPart, LanguageModelV3Usage } from '@ai-sdk/provider';
import type { z } from 'zod';
import type { ChatMessage } from '../types.js';

/** Token counts as a provider reported them (any may be missing). */
export interface RawUsage {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
}

export interface ModelCall {
  system: string;
  messages: readonly ChatMessage[];
  maxOutputTokens?: number | undefined;
  temperature?: number | undefined;
  /** Structured output: the JSON Schema the provider should constrain its answer to. */
  jsonSchema?: JSONSchema7;
  abortSignal: AbortSignal;
  providerOptions?: LanguageModelV3CallOptions['providerOptions'];
}

/**
 * The AI SDK's standard prompt: the system prompt as its own part, every message as plain text
 * of its role. User text is never merged into the system part.
 */
export function toModelPrompt(system: string, messages: readonly ChatMessage[]): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = [];
  if (system) prompt.push({ role: 'system', content: system });
  for (const message of messages) prompt.push({ role: message.role, content: [{ type: 'text', text: message.content }] });
  return prompt;
}

function callOptions(call: ModelCall): LanguageModelV3CallOptions {
  return {
    prompt: toModelPrompt(call.system, call.messages),
    maxOutputTokens: call.maxOutputTokens,
    temperature: call.temperature,
    abortSignal: call.abortSignal,
    ...(call.jsonSchema ? { responseFormat: { type: 'json', schema: call.jsonSchema, name: 'response' } } : {}),
    ...(call.providerOptions ? { providerOptions: call.providerOptions } : {}),
  };
}

export function rawUsage(usage: LanguageModelV3Usage | undefined): RawUsage {
  return { inputTokens: usage?.inputTokens.total, outputTokens: usage?.outputTokens.total };
}

/**
 * One call through the provider's AI SDK language model (the `LanguageModelV3` interface every
 * AI SDK provider implements). The gateway drives models at this level rather than through
 * `generateText`, because it already validates input, retries and parses output itself.
 */
export async function generateWithModel(model: LanguageModelV3, call: ModelCall): Promise<{ text: string; usage: RawUsage }> {
  const result = await model.doGenerate(callOptions(call));
  let text = '';
  for (const part of result.content) if (part.type === 'text') text += part.text;
  return { text, usage: rawUsage(result.usage) };
}

/** Opens a streaming call; resolves once the provider has answered with a 2xx status. */
export async function streamWithModel(model: LanguageModelV3, call: ModelCall): Promise<ReadableStream<LanguageModelV3StreamPart>> {
  const result = await model.doStream(callOptions(call));
  return result.stream;
}

const jsonSchemas = new WeakMap<z.ZodType, Promise<JSONSchema7>>();

/** The JSON Schema the AI SDK derives from a zod schema (draft-7, closed objects), computed once per schema. */
export function jsonSchemaOf(schema: z.ZodType): Promise<JSONSchema7> {
  let jsonSchema = jsonSchemas.get(schema);
  if (!jsonSchema) {
    // The AI SDK (large) loads with the first structured call, not when the gateway is built.
    jsonSchema = import('ai').then(({ zodSchema }) => zodSchema(schema).jsonSchema);
    jsonSchemas.set(schema, jsonSchema);
  }
  return jsonSchema;
}
