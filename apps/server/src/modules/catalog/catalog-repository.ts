import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import semver from 'semver';
import { parseAppSpec, type AppSpec } from '@marketplace/spec';
import type { Db } from '../../db/schema.js';
import { mayPublishInto } from './app-owners.js';
import { searchConditions, type SearchCondition } from './catalog-search.js';
import { signedChangelog } from './version-changelog.js';
import { changelogEntries } from './changelog-entries.js';

/** Text files up to this size are kept for the code preview; larger or binary ones list their size only. */
const PREVIEW_MAX_BYTES = 256 * 1024;

/** 1.0.0 for a new app; the next minor version for an app the organisation already has. */
export async function nextVersionFor(db: Db, orgId: string, name: string): Promise<string> {
  const app = await db.selectFrom('apps').select('latest_version').where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
  return app?.latest_version ? (semver.inc(app.latest_version, 'minor') ?? '1.0.0') : '1.0.0';
}

/** What the pipeline's publish step hands the catalog: the signed release and everything it was made from. */
export interface ReleaseToPublish {
  requestId: string;
  orgId: string;
  userId: string | null;
  text: string | null;
  version: string;
  spec: AppSpec;
  manifest: unknown;
  bundle: Buffer;
  bundleSha256: string;
  bundleSize: number;
  keyId: string;
  releaseJson: string;
  validationReport: unknown;
  scanReport: unknown;
  files: Map<string, { content: Buffer }>;
}

/** Another request published this app's version first. */
export class VersionExistsError extends Error {
  readonly code = 'VERSION_EXISTS';
}

/** The requester neither owns the app of that name nor may publish into any app; nothing was published. */
export class AppNotOwnedError extends Error {
  readonly code = 'APP_NOT_OWNED';
  constructor(
    readonly appId: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Put a signed release into the catalog: the app (created, owned by the requester, or updated by one
 * who may publish into it), the version, its files and bundle; `inTransaction` lets the caller record the outcome in the same transaction.
 */
export async function publishVersion(db: Db, release: ReleaseToPublish, inTransaction: (trx: Db, appId: string) => Promise<void>): Promise<{ appId: string; versionId: string }> {
  const { requestId, spec, version, files } = release;
  const request = { org_id: release.orgId, user_id: release.userId, text: release.text };
  const outputs = { manifest: release.manifest, bundle_sha256: release.bundleSha256, bundle_size: release.bundleSize, key_id: release.keyId, validation_report: release.validationReport, scan_report: release.scanReport };
  const { releaseJson, bundle } = release;
  return db.transaction().execute(async (trx) => {
    let app = await trx.selectFrom('apps').select(['id', 'latest_version']).where('org_id', '=', request.org_id).where('name', '=', spec.name).forUpdate().executeTakeFirst();
    if (!app) {
      app = { id: randomUUID(), latest_version: null };
      await trx
        .insertInto('apps')
        .values({ id: app.id, org_id: request.org_id, name: spec.name, title: spec.title, summary: spec.summary, kind: spec.kind, tags: spec.tags ?? [], spec: JSON.stringify(spec), author_id: request.user_id })
        .execute();
      if (request.user_id) await trx.insertInto('app_owners').values({ id: randomUUID(), app_id: app.id, org_id: request.org_id, user_id: request.user_id, group_id: null, added_by: request.user_id }).execute();
    } else if (!(await mayPublishInto(trx, app.id, request.user_id))) {
      // Another person's request named this app after this one was submitted: never merge the two.
      throw new AppNotOwnedError(app.id, `The app "${spec.name}" belongs to someone else and you may not publish its versions; submit the request again to get an app of your own, or ask its owners to add you.`);
    }
    const existing = await trx.selectFrom('app_versions').select('id').where('app_id', '=', app.id).where('version', '=', version).executeTakeFirst();
    if (existing) {
      const mine = await trx.selectFrom('app_versions').select('id').where('id', '=', existing.id).where('request_id', '=', requestId).executeTakeFirst();
      if (mine) return { appId: app.id, versionId: mine.id }; // a retried publish of this very request
      throw new VersionExistsError(`${spec.name} ${version} was published by another request first; submit the request again to get the next version.`);
    }
    // The changelog's entries are the difference from the version that is latest at publication (the row is locked).
    const previous = app.latest_version ? await trx.selectFrom('app_versions').select('spec').where('app_id', '=', app.id).where('version', '=', app.latest_version).executeTakeFirst() : undefined;
    const previousSpec = previous ? parseAppSpec(previous.spec) : null;
    const versionId = randomUUID();
    await trx
      .insertInto('app_versions')
      .values({
        id: versionId,
        app_id: app.id,
        org_id: request.org_id,
        version,
        request_id: requestId,
        spec: JSON.stringify(spec),
        manifest: JSON.stringify(outputs.manifest),
        changelog: signedChangelog(releaseJson),
        changelog_entries: JSON.stringify(changelogEntries(previousSpec?.ok ? previousSpec.spec : null, spec)),
        bundle_sha256: outputs.bundle_sha256!,
        bundle_size: outputs.bundle_size!,
        key_id: outputs.key_id!,
        release_json: releaseJson,
        validation_report: JSON.stringify(outputs.validation_report),
        scan_report: JSON.stringify(outputs.scan_report),
        published_by: request.user_id,
      })
      .execute();
    const previewRows = [...files].map(([path, { content }]) => {
      const text = content.length <= PREVIEW_MAX_BYTES && !content.subarray(0, 8000).includes(0);
      return { version_id: versionId, path, size: content.length, content: text ? content.toString('utf8') : null };
    });
    for (let i = 0; i < previewRows.length; i += 100) await trx.insertInto('app_version_files').values(previewRows.slice(i, i + 100)).execute();
    await trx.insertInto('app_version_bundles').values({ version_id: versionId, bundle }).execute();
    const newer = !app.latest_version || semver.gt(version, app.latest_version);
    await trx
      .updateTable('apps')
      .set({ ...(newer ? { latest_version: version, title: spec.title, summary: spec.summary, kind: spec.kind, tags: spec.tags ?? [], spec: JSON.stringify(spec) } : {}), updated_at: new Date() })
      .where('id', '=', app.id)
      .execute();
    await inTransaction(trx, app.id);
    return { appId: app.id, versionId };
  });
}

/**
 * What a catalog card shows beside the app's own columns: installs (workstations where a version
 * is deployed) and the health of those deployments, kept on the app's row by triggers on
 * deployments (migration 1240), and the author's name.
 */
export const cardFigures = ['installs', 'healthy', 'unhealthy', sql<string | null>`(SELECT u.name FROM users u WHERE u.id = apps.author_id)`.as('author_name')] as const;

export interface AppQuery {
  q?: string;
  kind?: string;
  tag?: string;
  author?: string;
  sort: 'newest' | 'rating' | 'installs' | 'relevance';
  limit: number;
  offset: number;
}

export async function searchApps(db: Db, orgId: string, query: AppQuery) {
  const run = async (handle: Db, search: SearchCondition | null) => {
    let base = handle.selectFrom('apps').where('org_id', '=', orgId).where('latest_version', 'is not', null);
    if (query.kind) base = base.where('kind', '=', query.kind);
    // A tag is a word (decision 0071): "Formularz" finds the tag "formularz".
    if (query.tag) base = base.where(sql<boolean>`EXISTS (SELECT 1 FROM unnest(tags) AS tag WHERE lower(tag) = lower(${query.tag}))`);
    if (query.author) base = base.where('author_id', '=', query.author);
    if (search) base = base.where(search.match);
    let items = base.select(['id', 'name', 'title', 'summary', 'kind', 'tags', 'latest_version', 'rating_avg', 'rating_count', 'author_id', 'created_at', 'updated_at']).select(cardFigures);
    if (query.sort === 'relevance' && search) items = items.orderBy(search.rank, 'desc');
    else if (query.sort === 'rating') items = items.orderBy(sql`rating_avg DESC NULLS LAST`);
    else if (query.sort === 'installs') items = items.orderBy('installs', 'desc');
    items = items.orderBy('updated_at', 'desc').orderBy('id');
    const count = () => base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    if (!search) {
      // The first page comes off an index; the count is a second, index-only query.
      const [rows, total] = await Promise.all([items.limit(query.limit).offset(query.offset).execute(), count()]);
      return { rows, total: Number(total.n) };
    }
    // A search evaluates every match anyway (to rank them): count them in the same pass.
    const rows = await items.select(sql<string>`count(*) OVER ()`.as('total')).limit(query.limit).offset(query.offset).execute();
    const total = rows[0] ? Number(rows[0].total) : Number((await count()).n);
    return { rows: rows.map(({ total: _total, ...row }) => row), total };
  };
  if (!query.q) return run(db, null);
  // A search with no letters or digits in it finds nothing rather than everything.
  let found = { rows: [] as Awaited<ReturnType<typeof run>>['rows'], total: 0 };
  for (const search of await searchConditions(db, query.q)) {
    const settings = search.settings;
    found = settings
      ? // settings for this search only: set_config(…, true) lasts until the transaction ends
        await db.transaction().execute(async (trx) => {
          for (const [name, value] of Object.entries(settings)) await sql`SELECT set_config(${name}, ${value}, true)`.execute(trx);
          return run(trx, search);
        })
      : await run(db, search);
    if (found.total > 0) break;
  }
  return found;
}

export function findAppRow(db: Db, orgId: string, id: string) {
  return db.selectFrom('apps').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function findVersionRow(db: Db, orgId: string, appId: string, version: string) {
  return db.selectFrom('app_versions').selectAll().where('org_id', '=', orgId).where('app_id', '=', appId).where('version', '=', version).executeTakeFirst();
}

/** An app with the figures its card shows. */
export function findAppWithFigures(db: Db, orgId: string, id: string) {
  return db.selectFrom('apps').selectAll().select(cardFigures).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** Every version of an app, newest first. */
export function listVersions(db: Db, appId: string) {
  return db.selectFrom('app_versions').selectAll().where('app_id', '=', appId).orderBy('published_at', 'desc').execute();
}

/** The file tree of a version, each file marked previewable when its content is stored. */
export function listVersionFiles(db: Db, versionId: string) {
  return db.selectFrom('app_version_files').select(['path', 'size', (eb) => eb('content', 'is not', null).as('previewable')]).where('version_id', '=', versionId).orderBy('path').execute();
}

export function findVersionFile(db: Db, versionId: string, path: string) {
  return db.selectFrom('app_version_files').selectAll().where('version_id', '=', versionId).where('path', '=', path).executeTakeFirst();
}

export function getVersionBundle(db: Db, versionId: string) {
  return db.selectFrom('app_version_bundles').select('bundle').where('version_id', '=', versionId).executeTakeFirstOrThrow();
}
