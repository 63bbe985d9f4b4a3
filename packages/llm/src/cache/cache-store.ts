/** A stored answer: enough to return the same result without calling the provider. */
export interface CachedResponse {
  text: string;
  /** Structured-output calls only; re-validated against the schema on every hit. */
  object?: unknown;
  inputTokens: number;
  outputTokens: number;
  tokensEstimated: boolean;
  storedAt: string;
}

/**
 * Where cached answers live: in-process LRU by default, Redis when configured. A store that
 * fails is treated as a miss by the gateway, never as a failed call.
 */
export interface CacheStore {
  readonly kind: string;
  get(key: string): Promise<CachedResponse | undefined>;
  set(key: string, value: CachedResponse, ttlMs: number): Promise<void>;
  close?(): Promise<void>;
}
