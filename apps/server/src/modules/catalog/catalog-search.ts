import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/schema.js';

/** At most this many words of a search are used; the rest are ignored. */
const MAX_WORDS = 8;

/**
 * How close (pg_trgm word similarity) a search must be to an app's text. pg_trgm's default, 0.6,
 * misses one wrong letter in an 8-letter word ("invoces" → "invoices" is 0.55).
 */
export const WORD_SIMILARITY_THRESHOLD = 0.5;

/**
 * The words of a catalog search as a full-text query where each word also matches as a prefix
 * ("lapt" → `lapt:*`, finds "laptop"); null when the text has no letters or digits. Only letters
 * and digits reach to_tsquery, so no input can inject tsquery operators.
 */
export function prefixQuery(text: string): string | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu)?.slice(0, MAX_WORDS) ?? [];
  return words.length ? words.map((word) => `${word}:*`).join(' & ') : null;
}

const trigramChecks = new WeakMap<Db, Promise<boolean>>();

/** Whether the database has pg_trgm (made by migration 1241 where it could be), checked once per handle. */
export function hasTrigrams(db: Db): Promise<boolean> {
  let check = trigramChecks.get(db);
  if (!check) {
    check = sql<{ present: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') AS present`
      .execute(db)
      .then((result) => result.rows[0]?.present === true);
    trigramChecks.set(db, check);
  }
  return check;
}

/**
 * Match and rank for a search: apps whose words start with the searched words (full text, GIN
 * index), or, with pg_trgm, whose text is close to the search as written ("laptp" finds
 * "laptop"; word similarity ≥ WORD_SIMILARITY_THRESHOLD, trigram index).
 * Rank: prefix matches first, then closeness (to the title and name counting again), then full-text
 * weight (title before summary before spec).
 */
export interface SearchCondition {
  match: RawBuilder<boolean>;
  rank: RawBuilder<number>;
  /** Settings the search needs for the length of its transaction (set_config … is_local). */
  settings?: Record<string, string>;
}

export async function searchCondition(db: Db, text: string): Promise<SearchCondition | null> {
  const prefix = prefixQuery(text);
  if (!prefix) return null;
  const tsQuery = sql`to_tsquery('simple', ${prefix})`;
  if (!(await hasTrigrams(db))) {
    return { match: sql<boolean>`search @@ ${tsQuery}`, rank: sql<number>`ts_rank(search, ${tsQuery})` };
  }
  const typed = text.toLowerCase().trim();
  return {
    match: sql<boolean>`(search @@ ${tsQuery} OR ${typed} <% search_text)`,
    rank: sql<number>`((search @@ ${tsQuery})::int + word_similarity(${typed}, search_text) + word_similarity(${typed}, lower(title || ' ' || name)) + ts_rank(search, ${tsQuery}))`,
    settings: { 'pg_trgm.word_similarity_threshold': String(WORD_SIMILARITY_THRESHOLD) },
  };
}
