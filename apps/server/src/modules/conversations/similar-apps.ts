import { sql } from 'kysely';
import type { AppSpec } from '@marketplace/spec';
import type { Db } from '../../db/schema.js';
import { notice, type Notice } from '../../http/notice.js';

export interface SimilarApp {
  id: string;
  name: string;
  title: string;
  kind: string;
  latestVersion: string | null;
  /** 0–1: how close the app's spec is to the draft. */
  score: number;
  /** What they share, for the reply ("same kind", "fields: serial, owner"). */
  shared: string[];
  /** The same, as notices the UI words in its language (one per entry of `shared`). */
  reasons: Notice[];
}

/** Below this, an app is not worth offering. */
const THRESHOLD = 0.45;

const words = (text: string) => new Set((text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []).filter((w) => !STOP.has(w)));
const STOP = new Set(['the', 'and', 'for', 'with', 'app', 'need', 'want', 'that', 'from', 'this', 'which', 'mam', 'dla', 'chcę', 'potrzebuję', 'oraz', 'który', 'która']);

function fieldNames(spec: Partial<AppSpec>): Set<string> {
  const names = new Set<string>();
  for (const entity of spec.entities ?? []) {
    names.add(entity.name.toLowerCase());
    for (const field of entity.fields) names.add(field.name.toLowerCase());
  }
  return names;
}

const jaccard = (a: Set<string>, b: Set<string>) => {
  if (!a.size || !b.size) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return common / (a.size + b.size - common);
};

/**
 * Catalog apps whose spec is close to the draft: same kind, overlapping entity and field names,
 * the same sources, and words in common (PostgreSQL full text over the catalog narrows the
 * candidates; the score is computed here so it reads the same on PGlite and PostgreSQL).
 */
export async function findSimilarApps(db: Db, orgId: string, draft: Partial<AppSpec>, limit = 3): Promise<SimilarApp[]> {
  const draftWords = words(`${draft.title ?? ''} ${draft.summary ?? ''} ${[...fieldNames(draft)].join(' ')}`);
  const terms = [...draftWords].slice(0, 30);
  let query = db.selectFrom('apps').select(['id', 'name', 'title', 'summary', 'kind', 'spec', 'latest_version']).where('org_id', '=', orgId).where('latest_version', 'is not', null);
  if (terms.length) {
    const tsQuery = sql`to_tsquery('simple', ${terms.join(' | ')})`;
    query = query.where((eb) => eb.or([eb('kind', '=', draft.kind ?? ''), sql<boolean>`search @@ ${tsQuery}`]));
  } else if (draft.kind) query = query.where('kind', '=', draft.kind);
  else return [];
  const rows = await query.orderBy('updated_at', 'desc').limit(200).execute();
  const draftFields = fieldNames(draft);
  const draftSources = new Set((draft.sources ?? []).map((s) => `${s.type}:${s.url ?? s.path ?? ''}`));
  const scored = rows.map((row): SimilarApp => {
    const spec = row.spec as Partial<AppSpec>;
    const shared: string[] = [];
    const reasons: Notice[] = [];
    let score = 0;
    if (draft.kind && row.kind === draft.kind) {
      score += 0.3;
      shared.push(`kind ${row.kind}`);
      reasons.push(notice('similar.kind', { kind: row.kind }));
    }
    const fields = fieldNames(spec);
    const fieldOverlap = jaccard(draftFields, fields);
    if (fieldOverlap > 0) {
      score += 0.4 * fieldOverlap;
      const common = [...draftFields].filter((f) => fields.has(f)).slice(0, 5).join(', ');
      shared.push(`fields ${common}`);
      reasons.push(notice('similar.fields', { fields: common }));
    }
    const sources = new Set((spec.sources ?? []).map((s) => `${s.type}:${s.url ?? s.path ?? ''}`));
    const sourceOverlap = jaccard(draftSources, sources);
    if (sourceOverlap > 0) {
      score += 0.2 * sourceOverlap;
      shared.push('the same data sources');
      reasons.push(notice('similar.sources'));
    }
    const textOverlap = jaccard(draftWords, words(`${row.title} ${row.summary} ${[...fields].join(' ')}`));
    score += 0.3 * Math.min(1, textOverlap * 2);
    return { id: row.id, name: row.name, title: row.title, kind: row.kind, latestVersion: row.latest_version, score: Math.round(Math.min(1, score) * 100) / 100, shared, reasons };
  });
  return scored.filter((s) => s.score >= THRESHOLD).sort((a, b) => b.score - a.score).slice(0, limit);
}
