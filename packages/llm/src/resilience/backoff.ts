export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Returns a number in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

/**
 * Delay before retry number `retry` (0 for the first retry): exponential growth capped at
 * `maxDelayMs`, with "equal jitter" — half fixed, half random — so that many callers failing
 * together do not retry in lockstep, yet no retry comes back immediately.
 */
export function computeBackoffMs(retry: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Reads a Retry-After header in either form RFC 9110 allows — delay-seconds ("120") or an
 * HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT") — plus OpenAI's `retry-after-ms`. Returns the wait
 * in milliseconds (0 for a date in the past), or undefined when absent or unreadable.
 */
export function parseRetryAfterMs(headers: Record<string, string | undefined> | undefined, nowMs: number): number | undefined {
  if (!headers) return undefined;
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const ms = lower['retry-after-ms']?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  const value = lower['retry-after']?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (/^\d+\.\d+$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date) || !/[a-z]/i.test(value)) return undefined;
  return Math.max(0, date - nowMs);
}
