import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** One delivery per (version, agent): the e-mail that carries a release to an agent's mailbox. */
export const distributionMigrations = [
  {
    name: '0005_deliveries',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE deliveries (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          app_id uuid NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
          version_id uuid NOT NULL REFERENCES app_versions(id) ON DELETE CASCADE,
          agent_id uuid NOT NULL,
          user_id uuid,
          recipient text NOT NULL,
          state text NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
          message_id text,
          attempts integer NOT NULL DEFAULT 0,
          error text,
          requested_by uuid,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          sent_at timestamptz,
          UNIQUE (version_id, agent_id)
        )`,
        `CREATE INDEX deliveries_org_idx ON deliveries (org_id, created_at DESC)`,
      ]);
    },
  },
];

/** Later: a removed version can be delivered again (registered after every module's first migrations). */
export const distributionAgainMigrations = [
  {
    // a version removed from a workstation can be delivered to it again: a new delivery, a new nonce
    name: '0310_deliveries_again',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `ALTER TABLE deliveries DROP CONSTRAINT deliveries_version_id_agent_id_key`,
        `CREATE INDEX deliveries_version_agent_idx ON deliveries (version_id, agent_id, created_at DESC)`,
      ]);
    },
  },
];
