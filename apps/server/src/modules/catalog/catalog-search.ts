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

export interface SearchCondition {
  match: RawBuilder<boolean>;
  rank: RawBuilder<number>;
  /** Settings the search needs for the length of its transaction (set_config … is_local). */
  settings?: Record<string, string>;
}

/**
 * How to search, cheapest first: apps whose words start with the searched words (full text, GIN
 * index, ranked by full-text weight: title before summary before spec); then, only when that finds
 * nothing and pg_trgm is there, apps whose text is close to the search as written ("laptp" finds
 * "laptop"; word similarity ≥ WORD_SIMILARITY_THRESHOLD, trigram index), ranked by closeness to
 * the title and name (the short text: closeness costs per character). Empty when the text has no letters or digits.
 */
export async function searchConditions(db: Db, text: string): Promise<SearchCondition[]> {
  const prefix = prefixQuery(text);
  if (!prefix) return [];
  const tsQuery = sql`to_tsquery('simple', ${prefix})`;
  const byPrefix = { match: sql<boolean>`search @@ ${tsQuery}`, rank: sql<number>`ts_rank(search, ${tsQuery})` };
  if (!(await hasTrigrams(db))) return [byPrefix];
  const typed = text.toLowerCase().trim();
  return [
    byPrefix,
    {
      match: sql<boolean>`${typed} <% search_text`,
      rank: sql<number>`word_similarity(${typed}, lower(title || ' ' || name))`,
      // The planner underrates what closeness costs per row and would rather read every app: take the trigram index.
      settings: { 'pg_trgm.word_similarity_threshold': String(WORD_SIMILARITY_THRESHOLD), enable_seqscan: 'off' },
    },
  ];
}
