import { APP_KINDS } from '@marketplace/spec';
import { z } from 'zod';
import type { Db } from '../../db/schema.js';
import { NotFoundError } from '../../errors/app-error.js';
import { noticeSchema } from '../../http/notice.js';
import { iso, optionalQuery, pagination } from '../../http/responses.js';
import { findAppWithFigures, findVersionRow, listVersions, searchApps } from './catalog-repository.js';
import { cachedCatalogAnswer, type CachedAnswer } from './catalog-search-cache.js';

/** The catalog's answers, shared by the REST routes and the MCP tools. */
export const appCard = z
  .object({ id: z.string(), name: z.string(), title: z.string(), summary: z.string(), kind: z.string(), tags: z.array(z.string()), latestVersion: z.string().nullable(), rating: z.number().nullable(), ratingCount: z.number(), installs: z.number(), health: z.object({ healthy: z.number(), unhealthy: z.number() }), authorId: z.string().nullable(), authorName: z.string().nullable(), updatedAt: z.string() })
  .meta({ id: 'AppCard' });
export const versionSummary = z.object({ version: z.string(), publishedAt: z.string(), bundleSha256: z.string(), bundleSize: z.number(), keyId: z.string(), changelog: z.string().nullable(), changelogEntries: z.array(noticeSchema).nullable().describe('The changelog as notices for a UI to word; null for versions published before them (show `changelog`)'), validation: z.object({ ok: z.boolean() }).passthrough(), scan: z.object({ verdict: z.string() }).passthrough() });
/** `GET /apps` query, and the MCP search tool's input. */
export const appQuerySchema = z.object({ q: optionalQuery(z.string().max(200)), kind: optionalQuery(z.enum(APP_KINDS)), tag: optionalQuery(z.string().max(40)), author: optionalQuery(z.uuid()), sort: z.enum(['newest', 'rating', 'installs', 'relevance']).optional(), ...pagination }).strict();
export const searchResultSchema = z.object({ items: z.array(appCard), total: z.number() });
export const appDetailSchema = appCard.extend({ spec: z.record(z.string(), z.unknown()), createdAt: z.string(), versions: z.array(versionSummary) });

interface CardRow {
  id: string; name: string; title: string; summary: string; kind: string; tags: string[]; latest_version: string | null; rating_avg: number | null; rating_count: number;
  installs: number; healthy: number; unhealthy: number; author_id: string | null; author_name: string | null; updated_at: Date | string;
}
export const toCard = (row: CardRow) => ({
  id: row.id, name: row.name, title: row.title, summary: row.summary, kind: row.kind, tags: row.tags, latestVersion: row.latest_version, rating: row.rating_avg, ratingCount: row.rating_count,
  installs: row.installs, health: { healthy: row.healthy, unhealthy: row.unhealthy }, authorId: row.author_id, authorName: row.author_name, updatedAt: iso(row.updated_at),
});

type VersionRow = NonNullable<Awaited<ReturnType<typeof findVersionRow>>>;
/** Stored changelog entries, all of them codes this server knows, or null (then the signed sentence is what to show). */
const storedEntries = (value: unknown) => {
  const parsed = z.array(noticeSchema).safeParse(value);
  return parsed.success ? parsed.data : null;
};
export const toVersionSummary = (row: VersionRow) => ({
  version: row.version,
  publishedAt: iso(row.published_at),
  bundleSha256: row.bundle_sha256,
  bundleSize: row.bundle_size,
  keyId: row.key_id,
  changelog: row.changelog,
  changelogEntries: storedEntries(row.changelog_entries),
  validation: row.validation_report as { ok: boolean },
  scan: row.scan_report as { verdict: string },
});


type SearchResult = z.infer<typeof searchResultSchema>;
type AppQuery = z.infer<typeof appQuerySchema>;

/** A search, newest-first listing or sort of the organisation's catalog, as the API sends it (`json`) and as a value. */
export function searchCatalogAnswer(db: Db, orgId: string, query: AppQuery): Promise<CachedAnswer<SearchResult>> {
  // Ranked by relevance when searching, newest first otherwise, unless a sort is asked for.
  const sort = query.sort ?? (query.q ? 'relevance' : 'newest');
  const key = JSON.stringify([query.q ?? null, query.kind ?? null, query.tag ?? null, query.author ?? null, sort, query.limit, query.offset]);
  return cachedCatalogAnswer(
    db,
    orgId,
    key,
    async () => {
      const { rows, total } = await searchApps(db, orgId, { ...query, sort });
      return { items: rows.map(toCard), total };
    },
    // Checked against the schema once, when the answer is made, as the route's serializer would on every call.
    (value) => JSON.stringify(z.encode(searchResultSchema, value)),
  );
}

/** The answer's value: shared with other callers, so read it, never change it. */
export async function searchCatalog(db: Db, orgId: string, query: AppQuery): Promise<SearchResult> {
  return (await searchCatalogAnswer(db, orgId, query)).value;
}

/** An app of the caller's organisation with its versions; another organisation's id is NOT_FOUND. */
export async function appDetail(db: Db, orgId: string, id: string): Promise<z.infer<typeof appDetailSchema>> {
  const row = await findAppWithFigures(db, orgId, id);
  if (!row) throw new NotFoundError('App', id);
  const versions = await listVersions(db, row.id);
  return { ...toCard(row), createdAt: iso(row.created_at), spec: row.spec as Record<string, unknown>, versions: versions.map(toVersionSummary) };
}

/** One version with its manifest, validation and scan reports and the signed release. */
export const versionDetail = (row: VersionRow) => ({ ...toVersionSummary(row), manifest: row.manifest as Record<string, unknown>, validationReport: row.validation_report as Record<string, unknown>, scanReport: row.scan_report as Record<string, unknown>, release: JSON.parse(row.release_json) as Record<string, unknown> });
