import { sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Db } from '../../db/schema.js';
import type { ServerDatabase } from '../../db/database.js';

/**
 * Catalog answers kept in memory, per database handle, organisation and query, for as long as the
 * organisation's catalog version (table catalog_versions, moved by triggers at the commit of any
 * change to its apps, their figures or an author's name; migration 1310) stays the same, so an
 * answer is never older than the last committed change: no time-to-live.
 *   - PostgreSQL (several processes may write): every call reads the version, one primary-key look-up.
 *   - PGlite (only this process opens the database): the trigger's NOTIFY at commit reaches
 *     `watchCatalogVersions`'s listener before the writing statement returns, so the versions are
 *     kept in memory and a cached answer costs no query at all.
 * A miss runs the search as before, so results and ranking are the database's; callers that miss
 * together for the same key share one search.
 */
export const CATALOG_CACHE_MAX_ENTRIES = 2_000;
/** The cached answers' JSON text together stays under this many characters (≈ 2 bytes each). */
export const CATALOG_CACHE_MAX_CHARS = 32 * 1024 * 1024;

export interface CachedAnswer<T> {
  value: T;
  /** `value` as the API sends it. */
  json: string;
}

interface Entry {
  version: string;
  answer: Promise<CachedAnswer<unknown>>;
  chars: number;
}

const caches = new WeakMap<Db, LRUCache<string, Entry>>();

function cacheOf(db: Db): LRUCache<string, Entry> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new LRUCache<string, Entry>({ max: CATALOG_CACHE_MAX_ENTRIES, maxSize: CATALOG_CACHE_MAX_CHARS, sizeCalculation: (entry) => entry.chars });
    caches.set(db, cache);
  }
  return cache;
}

/** The channel migration 1310's trigger notifies, with `<org id> <version>`. */
export const CATALOG_VERSION_CHANNEL = 'catalog_version';

/** Versions known from notifications, per PGlite handle being watched. */
const watched = new WeakMap<Db, Map<string, bigint>>();

function readVersion(db: Db, orgId: string): Promise<string> {
  return sql<{ version: string }>`SELECT version::text AS version FROM catalog_versions WHERE org_id = ${orgId}`.execute(db).then(({ rows }) => rows[0]?.version ?? '0');
}

/**
 * On PGlite, keep the catalog versions in memory from the trigger's notifications; resolves to a
 * function that stops. On PostgreSQL nothing changes (other processes write too: every call reads).
 */
export async function watchCatalogVersions(database: ServerDatabase): Promise<() => Promise<void>> {
  const db = database.db as Db;
  if (database.dialect !== 'pglite' || !database.listen || watched.has(db)) return async () => undefined;
  const versions = new Map<string, bigint>();
  const unlisten = await database.listen(CATALOG_VERSION_CHANNEL, (payload) => {
    const [orgId, version] = payload.split(' ');
    if (orgId && version && /^\d+$/.test(version) && (versions.get(orgId) ?? -1n) < BigInt(version)) versions.set(orgId, BigInt(version));
  });
  watched.set(db, versions);
  return async () => {
    watched.delete(db);
    await unlisten();
  };
}

/** The organisation's current catalog version ('0' before its first app). */
export async function catalogVersion(db: Db, orgId: string): Promise<string> {
  const versions = watched.get(db);
  if (!versions) return readVersion(db, orgId);
  const known = versions.get(orgId);
  if (known !== undefined) return known.toString();
  // First use since start: read it once; a notification that came meanwhile is newer and wins.
  const read = BigInt(await readVersion(db, orgId));
  const latest = versions.get(orgId);
  if (latest === undefined || latest < read) versions.set(orgId, read);
  return versions.get(orgId)!.toString();
}

/**
 * The answer for `key` in `orgId`'s catalog: from memory while the catalog version is unchanged,
 * else from `compute` (its value, and the JSON text `encode` makes of it).
 */
export async function cachedCatalogAnswer<T>(db: Db, orgId: string, key: string, compute: () => Promise<T>, encode: (value: T) => string): Promise<CachedAnswer<T>> {
  const cache = cacheOf(db);
  const cacheKey = `${orgId}\u0000${key}`;
  const version = await catalogVersion(db, orgId);
  const known = cache.get(cacheKey);
  if (known && known.version === version) return known.answer as Promise<CachedAnswer<T>>;
  const answer = compute().then((value) => ({ value, json: encode(value) }));
  // A placeholder size until the JSON is known; a failed search is never kept.
  const entry: Entry = { version, answer, chars: 1 };
  cache.set(cacheKey, entry);
  try {
    const done = await answer;
    if (cache.peek(cacheKey) === entry) cache.set(cacheKey, { ...entry, chars: done.json.length });
    return done;
  } catch (error) {
    if (cache.peek(cacheKey) === entry) cache.delete(cacheKey);
    throw error;
  }
}
