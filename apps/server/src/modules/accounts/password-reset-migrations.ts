import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** Password reset links (registered after every module's first migrations). */
export const passwordResetMigrations = [
  {
    name: '0311_password_resets',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE password_resets (
          id uuid PRIMARY KEY,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          token_hash text NOT NULL UNIQUE,
          expires_at timestamptz NOT NULL,
          used_at timestamptz,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX password_resets_user_idx ON password_resets (user_id, created_at DESC)`,
      ]);
    },
  },
];
