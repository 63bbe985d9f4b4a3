import { describe, expect, it } from 'vitest';
import { costUsd, createPriceTable } from './price-table.js';

describe('price table', () => {
  it('matches dated snapshots to their model family by the longest prefix', () => {
    const table = createPriceTable();
    expect(table.lookup('openai', 'openai', 'gpt-4o-mini-2024-07-18')).toEqual({ known: true, price: { inputUsdPerMillion: 0.15, outputUsdPerMillion: 0.6 } });
    expect(table.lookup('openai', 'openai', 'gpt-4o-2024-08-06').price.inputUsdPerMillion).toBe(2.5);
    expect(table.lookup('anthropic', 'anthropic', 'claude-sonnet-4-5-20250929').price.outputUsdPerMillion).toBe(15);
  });

  it('prefers overrides by provider/model, then by model id', () => {
    const table = createPriceTable({ 'azure/gpt-4o-mini': { inputUsdPerMillion: 0.2, outputUsdPerMillion: 0.8 }, 'gpt-4o-mini': { inputUsdPerMillion: 9, outputUsdPerMillion: 9 } });
    expect(table.lookup('azure', 'openai-compatible', 'gpt-4o-mini').price.inputUsdPerMillion).toBe(0.2);
    expect(table.lookup('openai', 'openai', 'gpt-4o-mini').price.inputUsdPerMillion).toBe(9);
  });

  it('counts Ollama models as free and reports unknown hosted models as unknown', () => {
    const table = createPriceTable();
    expect(table.lookup('ollama', 'ollama', 'gpt-4o')).toEqual({ known: true, price: { inputUsdPerMillion: 0, outputUsdPerMillion: 0 } });
    expect(table.lookup('vllm', 'openai-compatible', 'qwen2.5-7b').known).toBe(false);
  });

  it('computes cost per million tokens without float noise', () => {
    expect(costUsd({ inputUsdPerMillion: 3, outputUsdPerMillion: 15 }, 1_000_000, 200_000)).toBe(6);
    expect(costUsd({ inputUsdPerMillion: 0.15, outputUsdPerMillion: 0.6 }, 41, 23)).toBe(0.00001995);
  });
});
