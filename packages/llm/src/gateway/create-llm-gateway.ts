import type { LlmObjectResult, LlmRequest, LlmTextResult, LlmTextStream } from '../types.js';
import { createGatewayContext, type LlmGatewayOptions } from './gateway-context.js';
import { gatewayGenerateObject, type LlmObjectRequest } from './generate-object.js';
import { gatewayGenerateText } from './generate-text.js';
import { checkProvider, listModels, listProviders, type ProviderCheck, type ProviderHealth } from './provider-admin.js';
import { gatewayStreamText } from './stream-text.js';

export interface LlmGateway {
  /** A text answer. Throws LlmError (REQUEST_INVALID, RATE_LIMITED, BUDGET_EXCEEDED, ALL_PROVIDERS_FAILED, ABORTED). */
  generateText(request: LlmRequest): Promise<LlmTextResult>;
  /** Text deltas for SSE, then `result`. Errors surface from the iterator and from `result`. */
  streamText(request: LlmRequest): LlmTextStream;
  /** An object satisfying `schema`; after two invalid answers, the built-in engine's with notice `llm-output-invalid`. */
  generateObject<T>(request: LlmObjectRequest<T>): Promise<LlmObjectResult<T>>;
  /** Every provider (the built-in engine last) with its breaker state and last outcomes. */
  listProviders(): ProviderHealth[];
  /** Live probe of one provider; the verdict is returned, not thrown. */
  checkProvider(id: string): Promise<ProviderCheck & { id: string }>;
  /** Models the provider serves, asked live. */
  listModels(id: string): Promise<string[]>;
  /** Closes the cache store (e.g. its Redis connection). */
  close(): Promise<void>;
}

/**
 * Routes an organisation's LLM calls to its configured providers, with a fallback chain ending
 * in the built-in engine, retries, circuit breakers, a response cache, cost accounting, budgets
 * and rate limits. Throws CONFIG_INVALID naming every wrong option.
 */
export function createLlmGateway(options: LlmGatewayOptions): LlmGateway {
  const ctx = createGatewayContext(options);
  return {
    generateText: (request) => gatewayGenerateText(ctx, request),
    streamText: (request) => gatewayStreamText(ctx, request),
    generateObject: (request) => gatewayGenerateObject(ctx, request),
    listProviders: () => listProviders(ctx),
    checkProvider: (id) => checkProvider(ctx, id),
    listModels: (id) => listModels(ctx, id),
    close: async () => {
      await ctx.cache?.store.close?.();
    },
  };
}
