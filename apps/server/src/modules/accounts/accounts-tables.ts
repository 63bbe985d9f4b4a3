import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, DefaultNow } from '../../db/column-types.js';

export const ROLES = ['member', 'publisher', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  created_at: DefaultNow;
}

export interface UsersTable {
  id: string;
  org_id: string;
  email: string;
  name: string;
  password_hash: string | null;
  roles: Role[];
  status: 'active' | 'disabled';
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  last_login_at: Timestamp | null;
  /** The language of mail written to this person (campaign announcements); null: the organisation's default. */
  language: ColumnType<'en' | 'pl' | null, 'en' | 'pl' | null | undefined, 'en' | 'pl' | null>;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

export interface InvitationsTable {
  id: string;
  org_id: string;
  email: string;
  roles: Role[];
  token_hash: string;
  invited_by: string | null;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_at: DefaultNow;
}

/** One password reset link: only the SHA-256 of its token is kept; used once, then `used_at` is set. */
export interface PasswordResetsTable {
  id: string;
  user_id: string;
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: DefaultNow;
}

/** The tables module accounts owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface AccountsTables {
  organizations: OrganizationsTable;
  users: UsersTable;
  invitations: InvitationsTable;
  password_resets: PasswordResetsTable;
}
