import type { Generated } from 'kysely';
import type { Json, DefaultNow } from '../../db/column-types.js';

export interface AppsTable {
  id: string;
  org_id: string;
  name: string;
  title: string;
  summary: string;
  kind: string;
  tags: string[];
  spec: Json<Record<string, unknown>>;
  latest_version: string | null;
  author_id: string | null;
  /** Workstations where a version is installed, and of those the healthy and unhealthy ones (kept by triggers on deployments). */
  installs: Generated<number>;
  healthy: Generated<number>;
  unhealthy: Generated<number>;
  rating_avg: number | null;
  rating_count: Generated<number>;
  created_at: DefaultNow;
  updated_at: DefaultNow;
  /** Lower-cased title, name, summary, tags, entity and field names (kept by a trigger) for trigram search. */
  search_text: Generated<string>;
}

export interface AppVersionsTable {
  id: string;
  app_id: string;
  org_id: string;
  version: string;
  request_id: string | null;
  spec: Json<Record<string, unknown>>;
  manifest: Json<Record<string, unknown>>;
  changelog: string | null;
  /** The changelog as notices (changelog-entries.ts); null for versions published before them. */
  changelog_entries: Json<Record<string, unknown>[]> | null;
  bundle_sha256: string;
  bundle_size: number;
  key_id: string;
  release_json: string;
  validation_report: Json<Record<string, unknown>>;
  scan_report: Json<Record<string, unknown>>;
  published_by: string | null;
  published_at: DefaultNow;
}

export interface AppVersionFilesTable {
  version_id: string;
  path: string;
  size: number;
  content: string | null;
}

export interface AppVersionBundlesTable {
  version_id: string;
  bundle: Buffer;
}

export interface ReviewsTable {
  id: string;
  org_id: string;
  app_id: string;
  user_id: string;
  rating: number;
  text: Generated<string>;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

/** One owner of an app: a user or a group (exactly one of the two is set). */
export interface AppOwnersTable {
  id: string;
  app_id: string;
  org_id: string;
  user_id: string | null;
  group_id: string | null;
  added_by: string | null;
  created_at: DefaultNow;
}

/** Moves whenever an organisation's catalog cards may have changed (triggers, migration 1310). */
export interface CatalogVersionsTable {
  org_id: string;
  version: string;
}

/** The tables module catalog owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface CatalogTables {
  apps: AppsTable;
  app_versions: AppVersionsTable;
  app_version_files: AppVersionFilesTable;
  app_version_bundles: AppVersionBundlesTable;
  reviews: ReviewsTable;
  app_owners: AppOwnersTable;
  catalog_versions: CatalogVersionsTable;
}
