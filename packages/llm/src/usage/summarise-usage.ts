import type { UsageRecord } from '../types.js';

export type UsageDimension = 'orgId' | 'userId' | 'conversationId' | 'appId' | 'provider' | 'model' | 'task';

export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  cacheHits: number;
}

/** Adds up usage records per org, user, conversation, app, provider, model or task. */
export function summariseUsage(records: Iterable<UsageRecord>, by: UsageDimension): Map<string, UsageTotals> {
  const totals = new Map<string, UsageTotals>();
  for (const record of records) {
    const key = record[by] ?? '(none)';
    const sum = totals.get(key) ?? { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, cacheHits: 0 };
    sum.calls += 1;
    sum.inputTokens += record.inputTokens;
    sum.outputTokens += record.outputTokens;
    sum.costUsd = Math.round((sum.costUsd + record.costUsd) * 1e9) / 1e9;
    if (record.cacheHit) sum.cacheHits += 1;
    totals.set(key, sum);
  }
  return totals;
}
