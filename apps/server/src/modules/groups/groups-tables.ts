import type { DefaultNow } from '../../db/column-types.js';

export interface GroupsTable {
  id: string;
  org_id: string;
  name: string;
  created_at: DefaultNow;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
}

/** The tables module groups owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface GroupsTables {
  groups: GroupsTable;
  group_members: GroupMembersTable;
}
