import type { ModelPrice } from '../config/gateway-config.js';

/**
 * List prices in USD per million tokens for common hosted models (override or extend them with
 * the gateway's `prices` option; keys match a model id or its prefix, e.g. dated snapshots).
 */
export const DEFAULT_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-5': { inputUsdPerMillion: 1.25, outputUsdPerMillion: 10 },
  'gpt-5-mini': { inputUsdPerMillion: 0.25, outputUsdPerMillion: 2 },
  'gpt-5-nano': { inputUsdPerMillion: 0.05, outputUsdPerMillion: 0.4 },
  'gpt-4.1': { inputUsdPerMillion: 2, outputUsdPerMillion: 8 },
  'gpt-4.1-mini': { inputUsdPerMillion: 0.4, outputUsdPerMillion: 1.6 },
  'gpt-4.1-nano': { inputUsdPerMillion: 0.1, outputUsdPerMillion: 0.4 },
  'gpt-4o': { inputUsdPerMillion: 2.5, outputUsdPerMillion: 10 },
  'gpt-4o-mini': { inputUsdPerMillion: 0.15, outputUsdPerMillion: 0.6 },
  'o4-mini': { inputUsdPerMillion: 1.1, outputUsdPerMillion: 4.4 },
  'claude-opus-4': { inputUsdPerMillion: 15, outputUsdPerMillion: 75 },
  'claude-sonnet-4': { inputUsdPerMillion: 3, outputUsdPerMillion: 15 },
  'claude-3-7-sonnet': { inputUsdPerMillion: 3, outputUsdPerMillion: 15 },
  'claude-haiku-4-5': { inputUsdPerMillion: 1, outputUsdPerMillion: 5 },
  'claude-3-5-haiku': { inputUsdPerMillion: 0.8, outputUsdPerMillion: 4 },
};

const FREE: ModelPrice = { inputUsdPerMillion: 0, outputUsdPerMillion: 0 };

export interface PriceLookup {
  price: ModelPrice;
  /** False when no entry matched: the cost is recorded as 0 and the caller should say so once. */
  known: boolean;
}

function longestPrefix(table: Readonly<Record<string, ModelPrice>>, model: string): ModelPrice | undefined {
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}

/** Prices for one gateway: `overrides` first (`"provider/model"`, then model id or prefix), then the defaults. */
export function createPriceTable(overrides: Readonly<Record<string, ModelPrice>> = {}) {
  const resolved = new Map<string, PriceLookup>();
  return {
    lookup(providerId: string, providerKind: string, model: string): PriceLookup {
      const cacheKey = `${providerId}/${model}`;
      const hit = resolved.get(cacheKey);
      if (hit) return hit;
      const own = overrides[cacheKey] ?? longestPrefix(overrides, model);
      // Models served by Ollama run on the organisation's own hardware.
      const fallback = providerKind === 'ollama' || providerKind === 'builtin' ? FREE : longestPrefix(DEFAULT_MODEL_PRICES, model);
      const result: PriceLookup = own ? { price: own, known: true } : fallback ? { price: fallback, known: true } : { price: FREE, known: false };
      resolved.set(cacheKey, result);
      return result;
    },
  };
}
export type PriceTable = ReturnType<typeof createPriceTable>;

/** USD for a number of tokens at a price, rounded to a billionth of a dollar. */
export function costUsd(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  const raw = (inputTokens * price.inputUsdPerMillion + outputTokens * price.outputUsdPerMillion) / 1_000_000;
  return Math.round(raw * 1e9) / 1e9;
}
