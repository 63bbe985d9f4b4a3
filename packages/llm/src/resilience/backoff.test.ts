import { describe, expect, it } from 'vitest';
import { computeBackoffMs, parseRetryAfterMs } from './backoff.js';

describe('computeBackoffMs', () => {
  it('doubles per retry up to the cap, with jitter between half and all of the ceiling', () => {
    const low = (retry: number) => computeBackoffMs(retry, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 });
    const high = (retry: number) => computeBackoffMs(retry, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 });
    expect([0, 1, 2, 3, 4, 5].map(low)).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 5].map(high)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads concurrent retries apart', () => {
    const delays = new Set(Array.from({ length: 50 }, () => computeBackoffMs(3, { baseDelayMs: 250, maxDelayMs: 10_000 })));
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.UTC(2025, 5, 10, 9, 0, 0);
  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs({ 'retry-after': '7' }, now)).toBe(7000);
    expect(parseRetryAfterMs({ 'Retry-After': ' 0 ' }, now)).toBe(0);
    expect(parseRetryAfterMs({ 'retry-after': '1.5' }, now)).toBe(1500);
  });
  it('reads an HTTP-date, and a past date as no wait', () => {
    expect(parseRetryAfterMs({ 'retry-after': 'Tue, 10 Jun 2025 09:00:42 GMT' }, now)).toBe(42_000);
    expect(parseRetryAfterMs({ 'retry-after': 'Tue, 10 Jun 2025 08:00:00 GMT' }, now)).toBe(0);
  });
  it("prefers OpenAI's retry-after-ms", () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': '120', 'retry-after': '1' }, now)).toBe(120);
  });
  it('ignores missing or unreadable values', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs({}, now)).toBeUndefined();
    expect(parseRetryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfterMs({ 'retry-after': '-5' }, now)).toBeUndefined();
  });
});
