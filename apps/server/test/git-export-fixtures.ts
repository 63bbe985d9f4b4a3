import { randomUUID } from 'node:crypto';
import { createBundle } from '@marketplace/release';
import type { Db } from '../src/db/schema.js';

const manifest = (name: string, title: string, version: string) =>
  JSON.stringify({ manifestVersion: 1, name, version, kind: 'api-service', title, runtime: { name: 'node', version: '20' }, start: ['node', 'server.js'], port: 8080, health: { path: '/healthz' }, resources: { memoryMb: 128, cpu: 0.5, diskMb: 50 }, permissions: { network: [], mail: false, filesystem: 'data-dir' } });

export interface ExportedApp {
  id: string;
  orgId: string;
  authorId: string;
  name: string;
  title: string;
}

/**
 * Publishes a version as the pipeline stores it: the signed bundle's bytes and the version row (the app row
 * too, the first time). Dated 2026-01-(minor+1) unless `publishedAt` is given. Returns every file of the bundle.
 */
export async function publishVersion(db: Db, app: ExportedApp, version: string, files: Record<string, string>, changelog: string, publishedAt?: Date): Promise<Record<string, string>> {
  const all = { 'app.json': manifest(app.name, app.title, version), ...files };
  const bundle = await createBundle({ files: all });
  if (!(await db.selectFrom('apps').select('id').where('id', '=', app.id).executeTakeFirst())) {
    await db.insertInto('apps').values({ id: app.id, org_id: app.orgId, name: app.name, title: app.title, summary: `Who has which ${app.name}`, kind: 'api-service', tags: [], spec: '{}', latest_version: version, author_id: app.authorId }).execute();
  }
  const versionId = randomUUID();
  await db
    .insertInto('app_versions')
    .values({ id: versionId, app_id: app.id, org_id: app.orgId, version, request_id: null, spec: '{}', manifest: '{}', changelog, bundle_sha256: bundle.sha256, bundle_size: bundle.size, key_id: 'k', release_json: '{}', validation_report: '{}', scan_report: '{}', published_by: app.authorId, published_at: publishedAt ?? new Date(Date.UTC(2026, 0, Number(version.split('.')[1]) + 1)) })
    .execute();
  await db.insertInto('app_version_bundles').values({ version_id: versionId, bundle: bundle.data }).execute();
  return all;
}
