import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** Refresh tokens already traded in, so a second use is recognised as reuse (OAuth 2.0 Security BCP). */
export const authMigrations = [
  {
    name: '0300_session_refresh_tokens',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE session_refresh_tokens (
          hash text PRIMARY KEY,
          session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          used_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX session_refresh_tokens_session_idx ON session_refresh_tokens (session_id)`,
      ]);
    },
  },
];
