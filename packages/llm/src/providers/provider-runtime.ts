import { createRequire } from 'node:module';
import type { LanguageModelV3, SharedV3ProviderOptions } from '@ai-sdk/provider';
import type { ResolvedProviderConfig } from '../config/gateway-config.js';

type ProviderOptions = SharedV3ProviderOptions;

/** A configured provider, ready to hand AI SDK models to the gateway. */
export interface ProviderRuntime {
  readonly id: string;
  readonly kind: ResolvedProviderConfig['kind'];
  /** Base URL of the provider's API as called (no credentials). */
  readonly baseURL: string;
  /** Values that must never reach a log line or an error message. */
  readonly secrets: readonly string[];
  languageModel(modelId: string): LanguageModelV3;
  /** Provider-specific settings for one call. */
  providerOptions(call: { maxOutputTokens?: number | undefined; structured: boolean }): ProviderOptions | undefined;
  /** How to list models: URL and headers for a GET. */
  modelsRequest(): { url: string; headers: Record<string, string> };
}

/** Each vendor's SDK loads when a provider of that kind is configured: the built-in engine needs none of them. */
const requireFromHere = createRequire(import.meta.url);
const createOpenAI: typeof import('@ai-sdk/openai').createOpenAI = (settings) => (requireFromHere('@ai-sdk/openai') as typeof import('@ai-sdk/openai')).createOpenAI(settings);
const createAnthropic: typeof import('@ai-sdk/anthropic').createAnthropic = (settings) => (requireFromHere('@ai-sdk/anthropic') as typeof import('@ai-sdk/anthropic')).createAnthropic(settings);
const createOllama: typeof import('ollama-ai-provider-v2').createOllama = (settings) => (requireFromHere('ollama-ai-provider-v2') as typeof import('ollama-ai-provider-v2')).createOllama(settings);

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * Builds the AI SDK provider for a config. Base URLs and keys are always passed explicitly, so
 * the SDK never falls back to OPENAI_API_KEY / ANTHROPIC_BASE_URL from the environment: what a
 * call uses is exactly what the organisation configured.
 */
export function createProviderRuntime(config: ResolvedProviderConfig): ProviderRuntime {
  const models = new Map<string, LanguageModelV3>();
  const memo = (create: (id: string) => LanguageModelV3) => (modelId: string) => {
    let model = models.get(modelId);
    if (!model) models.set(modelId, (model = create(modelId)));
    return model;
  };

  switch (config.kind) {
    case 'openai':
    case 'openai-compatible': {
      const baseURL = trimSlash(config.baseURL ?? 'https://api.openai.com/v1');
      const key = config.apiKey;
      const useApiKeyHeader = config.kind === 'openai-compatible' && config.apiKeyHeader === 'api-key';
      const headers: Record<string, string | undefined> = {
        ...(config.kind === 'openai-compatible' ? config.headers : {}),
        ...(useApiKeyHeader && key ? { 'api-key': key } : {}),
        // No key (local vLLM / llama.cpp) or a key in `api-key`: send no Authorization header at all.
        ...(key === undefined || useApiKeyHeader ? { Authorization: undefined } : {}),
      };
      const provider = createOpenAI({
        baseURL,
        apiKey: key ?? '',
        headers: headers as Record<string, string>,
        ...(config.kind === 'openai' ? { organization: config.organization, project: config.project } : {}),
      });
      const authHeaders: Record<string, string> = {};
      if (key !== undefined) {
        if (useApiKeyHeader) authHeaders['api-key'] = key;
        else authHeaders.authorization = `Bearer ${key}`;
      }
      return {
        id: config.id,
        kind: config.kind,
        baseURL,
        secrets: key ? [key] : [],
        languageModel: memo((id) => provider.chat(id)),
        // Only structured output needs settings; a text call passes none, sparing the provider a parse.
        providerOptions: (call) => (call.structured ? { openai: { strictJsonSchema: config.strictJsonSchema } } : undefined),
        modelsRequest: () => ({
          url: `${baseURL}/models`,
          headers: { ...(config.kind === 'openai-compatible' ? config.headers : {}), ...authHeaders },
        }),
      };
    }
    case 'anthropic': {
      const baseURL = trimSlash(config.baseURL ?? 'https://api.anthropic.com/v1');
      const provider = createAnthropic({ baseURL, apiKey: config.apiKey });
      return {
        id: config.id,
        kind: config.kind,
        baseURL,
        secrets: [config.apiKey],
        languageModel: memo((id) => provider.messages(id)),
        providerOptions: () => undefined,
        modelsRequest: () => ({
          url: `${baseURL}/models?limit=1000`,
          headers: { 'x-api-key': config.apiKey, 'anthropic-version': '2023-06-01' },
        }),
      };
    }
    case 'ollama': {
      const host = trimSlash(config.baseURL ?? 'http://127.0.0.1:11434');
      const baseURL = host.endsWith('/api') ? host : `${host}/api`;
      const provider = createOllama({ baseURL });
      return {
        id: config.id,
        kind: config.kind,
        baseURL,
        secrets: [],
        languageModel: memo((id) => provider.chat(id)),
        // Ollama reads the output limit from options.num_predict, not from a top-level field.
        providerOptions: (call) => (call.maxOutputTokens === undefined ? undefined : { ollama: { options: { num_predict: call.maxOutputTokens } } }),
        modelsRequest: () => ({ url: `${baseURL}/tags`, headers: {} }),
      };
    }
  }
}
