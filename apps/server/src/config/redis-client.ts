import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';

const requireFromHere = createRequire(import.meta.url);

/** A Redis client for REDIS_URL. ioredis loads on the first call: a process without REDIS_URL never pays for it. */
export function createRedisClient(url: string, options: RedisOptions): Redis {
  const { Redis: Client } = requireFromHere('ioredis') as typeof import('ioredis');
  return new Client(url, options);
}
