import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

export const feedsMigrations = [
  {
    name: '1351_feed_tokens',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE feed_tokens (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          name text NOT NULL,
          token_hash text NOT NULL UNIQUE,
          prefix text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          last_used_at timestamptz,
          revoked_at timestamptz
        )`,
        `CREATE INDEX feed_tokens_user_idx ON feed_tokens (user_id, created_at)`,
      ]);
    },
  },
];
