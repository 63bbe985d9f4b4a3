import { describe, expect, it } from 'vitest';
import { budgetPeriodStart, createInMemoryUsageStore } from './usage-store.js';

describe('in-memory usage store', () => {
  it('adds spend per org and period', async () => {
    const store = createInMemoryUsageStore();
    await store.addSpendUsd('a', 1, 0.5);
    await store.addSpendUsd('a', 1, 0.25);
    await store.addSpendUsd('a', 2, 9);
    await store.addSpendUsd('b', 1, 9);
    expect(await store.getSpendUsd('a', 1)).toBe(0.75);
    expect(await store.getSpendUsd('c', 1)).toBe(0);
  });

  it('counts requests per window and forgets old windows', async () => {
    const store = createInMemoryUsageStore();
    expect(await store.incrementRequestCount('a', 0)).toBe(1);
    expect(await store.incrementRequestCount('a', 0)).toBe(2);
    expect(await store.incrementRequestCount('a', 60_000)).toBe(1);
    expect(await store.getRequestCount('a', 0)).toBe(2);
    await store.incrementRequestCount('a', 180_000);
    expect(await store.getRequestCount('a', 0)).toBe(0);
  });

  it('starts budget periods at the UTC day or month', () => {
    const t = Date.UTC(2025, 5, 17, 13, 45);
    expect(new Date(budgetPeriodStart('day', t)).toISOString()).toBe('2025-06-17T00:00:00.000Z');
    expect(new Date(budgetPeriodStart('month', t)).toISOString()).toBe('2025-06-01T00:00:00.000Z');
  });
});
