import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles from the base and stops growing at the cap', () => {
    const top = (attempt: number) => backoffDelay(attempt, { baseMs: 500, maxMs: 30_000, random: () => 0.999999 });
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20, 1000].map(top)).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000]);
  });

  it('spreads retries over the upper half of the window, never zero', () => {
    expect(backoffDelay(3, { baseMs: 500, random: () => 0 })).toBe(2000);
    expect(backoffDelay(3, { baseMs: 500, random: () => 0.5 })).toBe(3000);
    const samples = Array.from({ length: 200 }, () => backoffDelay(4, { baseMs: 500 }));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(4000);
    expect(Math.max(...samples)).toBeLessThanOrEqual(8000);
    expect(new Set(samples).size).toBeGreaterThan(50);
  });
});
