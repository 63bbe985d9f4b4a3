import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';

function breaker(threshold = 3, cooldownMs = 1000) {
  let now = 0;
  const transitions: string[] = [];
  const b = new CircuitBreaker({
    failureThreshold: threshold,
    cooldownMs,
    clock: { now: () => now, sleep: () => Promise.resolve() },
    onStateChange: (from: BreakerState, to: BreakerState) => transitions.push(`${from}->${to}`),
  });
  return { b, transitions, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('opens only after N consecutive failures; a success in between resets the count', () => {
    const { b } = breaker(3);
    b.recordFailure();
    b.recordFailure();
    b.recordSuccess();
    b.recordFailure();
    b.recordFailure();
    expect(b.state).toBe('closed');
    b.recordFailure();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
  });

  it('lets exactly one probe through after the cool-down, and closes when it succeeds', () => {
    const { b, advance, transitions } = breaker(1, 1000);
    b.recordFailure();
    advance(999);
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.recordSuccess();
    expect(b.state).toBe('closed');
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('re-opens for a full cool-down when the probe fails', () => {
    const { b, advance } = breaker(1, 1000);
    b.recordFailure();
    advance(1000);
    expect(b.tryAcquire()).toBe(true);
    b.recordFailure();
    expect(b.state).toBe('open');
    advance(500);
    expect(b.tryAcquire()).toBe(false);
    advance(500);
    expect(b.tryAcquire()).toBe(true);
  });

  it('gives the probe slot back when released without a verdict', () => {
    const { b, advance } = breaker(1, 1000);
    b.recordFailure();
    advance(1000);
    expect(b.tryAcquire()).toBe(true);
    b.release();
    expect(b.tryAcquire()).toBe(true);
  });
});
