import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** Groups of users, e.g. a team to send a release to at once. */
export const groupsMigrations = [
  {
    name: '0006_groups',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE groups (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          name text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (org_id, name)
        )`,
        `CREATE TABLE group_members (
          group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          PRIMARY KEY (group_id, user_id)
        )`,
      ]);
    },
  },
];
