import type { Db } from '../../db/schema.js';

/** One published version of one of the organisation's apps. */
export function findVersion(db: Db, orgId: string, appId: string, version: string) {
  return db.selectFrom('app_versions').select(['id', 'app_id', 'version']).where('org_id', '=', orgId).where('app_id', '=', appId).where('version', '=', version).executeTakeFirst();
}

/** The organisation's deliveries, newest first, optionally of one app. */
export function listDeliveries(db: Db, orgId: string, filter: { appId?: string; limit: number }) {
  let query = db.selectFrom('deliveries').selectAll().where('org_id', '=', orgId);
  if (filter.appId) query = query.where('app_id', '=', filter.appId);
  return query.orderBy('created_at', 'desc').limit(filter.limit).execute();
}

/** A version's bundle and what names the download (reached through a signed link, so by version id alone). */
export function findBundleForDownload(db: Db, versionId: string) {
  return db.selectFrom('app_versions').innerJoin('app_version_bundles', 'app_version_bundles.version_id', 'app_versions.id').select(['app_versions.version', 'app_versions.spec', 'app_versions.bundle_sha256', 'app_version_bundles.bundle']).where('app_versions.id', '=', versionId).executeTakeFirst();
}
