import type { Timestamp, DefaultNow } from '../../db/column-types.js';

export interface SessionsTable {
  id: string;
  org_id: string;
  user_id: string;
  refresh_hash: string;
  ip: string | null;
  user_agent: string | null;
  created_at: DefaultNow;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** A refresh token that was already traded in: presenting it again is reuse, and ends its session. */
export interface SessionRefreshTokensTable {
  hash: string;
  session_id: string;
  used_at: DefaultNow;
}

/** The tables module auth owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface AuthTables {
  sessions: SessionsTable;
  session_refresh_tokens: SessionRefreshTokensTable;
}
