import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { CachedResponse, CacheStore } from './cache-store.js';

export interface RedisCacheStoreOptions {
  /** A `redis://` URL (e.g. REDIS_URL) or an ioredis client the caller owns. */
  redis: string | Redis;
  /** Prefix for every key, so the cache can share a Redis with other data (default `llm:cache:`). */
  keyPrefix?: string;
}

// What comes back from Redis is outside input: another process (or version) may have written it.
const cachedResponseSchema = z.object({
  text: z.string(),
  object: z.unknown().optional(),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  tokensEstimated: z.boolean(),
  storedAt: z.string(),
});

/** ioredis loads only when a Redis cache is created (REDIS_URL): other processes never pay for it. */
const requireFromHere = createRequire(import.meta.url);

/** Shared cache for several server processes: one JSON value per key, expiring with PX. */
export function createRedisCacheStore(options: RedisCacheStoreOptions): CacheStore {
  const ownsClient = typeof options.redis === 'string';
  const client = typeof options.redis === 'string' ? new (requireFromHere('ioredis') as typeof import('ioredis')).Redis(options.redis, { lazyConnect: false, maxRetriesPerRequest: 1 }) : options.redis;
  const prefix = options.keyPrefix ?? 'llm:cache:';
  return {
    kind: 'redis',
    async get(key) {
      const raw = await client.get(prefix + key);
      if (raw === null) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        return undefined;
      }
      const parsed = cachedResponseSchema.safeParse(json);
      return parsed.success ? (parsed.data as CachedResponse) : undefined;
    },
    async set(key, value, ttlMs) {
      await client.set(prefix + key, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)));
    },
    async close() {
      if (ownsClient) await client.quit();
    },
  };
}
