import type { Timestamp, DefaultNow } from '../../db/column-types.js';

/** One root key per organisation, private half encrypted (module org-keys). */
export interface OrgRootKeysTable {
  org_id: string;
  key_id: string;
  public_key: string;
  private_key_encrypted: string;
  key_list_json: string;
  key_list_version: number;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

/** The organisation's release signing keys, private halves encrypted (module org-keys). */
export interface OrgReleaseKeysTable {
  key_id: string;
  org_id: string;
  public_key: string;
  private_key_encrypted: string;
  status: 'active' | 'revoked';
  created_at: DefaultNow;
  revoked_at: Timestamp | null;
}

/** The tables module org-keys owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface OrgKeysTables {
  org_root_keys: OrgRootKeysTable;
  org_release_keys: OrgReleaseKeysTable;
}
