import type { ColumnType } from 'kysely';

/** One owner of an app: a user or a group (exactly one of the two is set). */
export interface AppOwnersTable {
  id: string;
  app_id: string;
  org_id: string;
  user_id: string | null;
  group_id: string | null;
  added_by: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CatalogTables {
  app_owners: AppOwnersTable;
}
