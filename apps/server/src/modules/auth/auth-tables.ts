import type { ColumnType } from 'kysely';

/** A refresh token that was already traded in: presenting it again is reuse, and ends its session. */
export interface SessionRefreshTokensTable {
  hash: string;
  session_id: string;
  used_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AuthTables {
  session_refresh_tokens: SessionRefreshTokensTable;
}
