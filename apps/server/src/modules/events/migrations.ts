import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** The transactional outbox of organisation events (decision 0042). */
export const eventsMigrations = [
  {
    name: '1500_event_outbox',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE event_outbox (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          type text NOT NULL,
          data jsonb NOT NULL,
          audience jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX event_outbox_created_idx ON event_outbox (created_at)`,
      ]);
    },
  },
];
