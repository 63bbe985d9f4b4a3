/**
 * The state budgets and rate limits need, kept outside the gateway so several server processes
 * share it (the server stores it in its database). Periods and windows are named by the time
 * they start, in milliseconds since the epoch (UTC).
 */
export interface UsageStore {
  /** USD an organisation has spent in the budget period that started at `periodStartMs`. */
  getSpendUsd(orgId: string, periodStartMs: number): Promise<number>;
  addSpendUsd(orgId: string, periodStartMs: number, usd: number): Promise<void>;
  /** Requests counted in the one-minute window that started at `windowStartMs`. */
  getRequestCount(orgId: string, windowStartMs: number): Promise<number>;
  incrementRequestCount(orgId: string, windowStartMs: number): Promise<number>;
}

/** Keeps spend and request counts in this process; windows older than two minutes are dropped. */
export function createInMemoryUsageStore(): UsageStore {
  const spend = new Map<string, number>();
  const requests = new Map<string, Map<number, number>>();
  return {
    getSpendUsd: (orgId, periodStartMs) => Promise.resolve(spend.get(`${orgId}\u0000${periodStartMs}`) ?? 0),
    addSpendUsd(orgId, periodStartMs, usd) {
      const key = `${orgId}\u0000${periodStartMs}`;
      spend.set(key, (spend.get(key) ?? 0) + usd);
      return Promise.resolve();
    },
    getRequestCount: (orgId, windowStartMs) => Promise.resolve(requests.get(orgId)?.get(windowStartMs) ?? 0),
    incrementRequestCount(orgId, windowStartMs) {
      let windows = requests.get(orgId);
      if (!windows) requests.set(orgId, (windows = new Map()));
      for (const start of windows.keys()) if (start < windowStartMs - 60_000) windows.delete(start);
      const count = (windows.get(windowStartMs) ?? 0) + 1;
      windows.set(windowStartMs, count);
      return Promise.resolve(count);
    },
  };
}

/** Start of the UTC day or calendar month containing `nowMs`. */
export function budgetPeriodStart(period: 'day' | 'month', nowMs: number): number {
  const d = new Date(nowMs);
  return period === 'day' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}
