import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

/**
 * A CommonJS library loaded the first time it is needed, synchronously: language detection and cron
 * descriptions cost tens of megabytes and most of a second to load, and most processes never use them.
 */
export function loadOnFirstUse<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireFromHere(name) as T);
}
