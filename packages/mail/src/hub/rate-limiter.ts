import { LRUCache } from 'lru-cache';

export interface RateVerdict {
  allowed: boolean;
  /** When refused: whole seconds until one more is allowed (the retry hint in the SMTP reply). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per key (client IP, sender address): `perMinute` may arrive in a burst, then
 * they come back at `perMinute / 60` a second. Keys live in an LRU of `maxKeys`, so a flood of
 * different addresses costs bounded memory (an evicted key starts again with a full bucket).
 */
export function createRateLimiter(perMinute: number, options: { maxKeys?: number; now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  const perMs = perMinute / 60_000;
  const buckets = new LRUCache<string, Bucket>({ max: options.maxKeys ?? 50_000 });
  return {
    take(key: string): RateVerdict {
      const at = now();
      const bucket = buckets.get(key) ?? { tokens: perMinute, at };
      bucket.tokens = Math.min(perMinute, bucket.tokens + (at - bucket.at) * perMs);
      bucket.at = at;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true, retryAfterSeconds: 0 };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
    },
  };
}
