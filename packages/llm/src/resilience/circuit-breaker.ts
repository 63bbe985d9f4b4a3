import type { Clock } from '../clock.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  clock: Clock;
  onStateChange?: (from: BreakerState, to: BreakerState) => void;
}

/**
 * One per provider. Closed: calls pass. After `failureThreshold` consecutive failures it opens
 * and calls skip the provider; after `cooldownMs` one probe call is let through (half-open):
 * success closes it, failure opens it for another cool-down.
 */
export class CircuitBreaker {
  private stateValue: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  get state(): BreakerState {
    if (this.stateValue === 'open' && this.options.clock.now() - this.openedAt >= this.options.cooldownMs) {
      this.transition('half-open');
    }
    return this.stateValue;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Asks to make a call now; in half-open only one caller gets a yes until it reports back. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.probeInFlight = false;
    if (this.stateValue !== 'closed') this.transition('closed');
  }

  recordFailure(): void {
    this.failures += 1;
    const wasProbe = this.probeInFlight;
    this.probeInFlight = false;
    if (wasProbe || this.stateValue === 'half-open' || (this.stateValue === 'closed' && this.failures >= this.options.failureThreshold)) {
      this.openedAt = this.options.clock.now();
      this.transition('open');
    }
  }

  /** Gives back a half-open probe slot that was not used for a provider verdict (e.g. caller abort). */
  release(): void {
    this.probeInFlight = false;
  }

  private transition(to: BreakerState): void {
    const from = this.stateValue;
    if (from === to) {
      return;
    }
    this.stateValue = to;
    this.options.onStateChange?.(from, to);
  }
}
