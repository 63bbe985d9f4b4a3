import { LRUCache } from 'lru-cache';
import type { CachedResponse, CacheStore } from './cache-store.js';

export interface LruCacheStoreOptions {
  /** Entries kept before the least recently used are dropped (default 1000). */
  maxEntries?: number;
}

/** The default store: in this process, bounded in entries, each with its own TTL. */
export function createLruCacheStore(options: LruCacheStoreOptions = {}): CacheStore {
  const cache = new LRUCache<string, CachedResponse>({ max: options.maxEntries ?? 1000, ttlAutopurge: false });
  return {
    kind: 'lru',
    get: (key) => Promise.resolve(cache.get(key)),
    set: (key, value, ttlMs) => {
      cache.set(key, value, { ttl: ttlMs });
      return Promise.resolve();
    },
    close: () => {
      cache.clear();
      return Promise.resolve();
    },
  };
}
