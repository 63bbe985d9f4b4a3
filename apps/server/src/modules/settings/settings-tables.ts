import type { Json, DefaultNow } from '../../db/column-types.js';

export interface OrgSettingsTable {
  org_id: string;
  settings: Json<Record<string, unknown>>;
  updated_by: string | null;
  updated_at: DefaultNow;
}

/** The tables module settings owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface SettingsTables {
  org_settings: OrgSettingsTable;
}
