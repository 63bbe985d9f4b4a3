export interface BackoffOptions {
  /** First delay, in ms. */
  baseMs?: number;
  /** No delay grows past this, in ms. */
  maxMs?: number;
  /** [0, 1) source of jitter; replaceable so tests can pin it. */
  random?: () => number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): doubles from `baseMs` up to `maxMs`, and
 * picks a point in the upper half of that window ("equal jitter") so many agents that lost the
 * same server do not all come back in the same millisecond, yet none retries at once.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const baseMs = options.baseMs ?? 500;
  const maxMs = options.maxMs ?? 30_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
