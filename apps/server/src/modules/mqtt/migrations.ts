import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** MQTT messages waiting for the broker's acknowledgement (decision 0050). */
export const mqttMigrations = [
  {
    name: '1570_mqtt_outbox',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE mqtt_outbox (
          event_id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          topic text NOT NULL,
          payload text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          claimed_until timestamptz
        )`,
        `CREATE INDEX mqtt_outbox_created_idx ON mqtt_outbox (created_at)`,
      ]);
    },
  },
];
