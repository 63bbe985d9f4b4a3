import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

export const webhooksMigrations = [
  {
    name: '1350_webhooks',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE webhook_subscriptions (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          url text NOT NULL,
          description text NOT NULL DEFAULT '',
          events jsonb NOT NULL DEFAULT '[]',
          format text NOT NULL CHECK (format IN ('standard', 'slack', 'teams')),
          secret_sealed text NOT NULL,
          enabled boolean NOT NULL DEFAULT true,
          disabled_reason text,
          disabled_at timestamptz,
          consecutive_failures integer NOT NULL DEFAULT 0,
          failing_since timestamptz,
          created_by uuid,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX webhook_subscriptions_org_idx ON webhook_subscriptions (org_id, enabled)`,
        `CREATE TABLE webhook_messages (
          id text PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          type text NOT NULL,
          payload jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE TABLE webhook_deliveries (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
          message_id text NOT NULL REFERENCES webhook_messages(id) ON DELETE CASCADE,
          state text NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
          attempts integer NOT NULL DEFAULT 0,
          next_attempt_at timestamptz,
          last_status integer,
          last_duration_ms integer,
          last_error text,
          response_excerpt text,
          replay_of uuid,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, created_at DESC)`,
        `CREATE TABLE webhook_attempts (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
          attempt integer NOT NULL,
          status integer,
          duration_ms integer NOT NULL,
          error text,
          response_excerpt text,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempt)`,
      ]);
    },
  },
];

/** Secret rotation (the old secret signs too until `previous_secret_until`) and the retention sweep's indexes. */
export const webhooksRotationMigrations = [
  {
    name: '1430_webhook_secret_rotation',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `ALTER TABLE webhook_subscriptions ADD COLUMN previous_secret_sealed text, ADD COLUMN previous_secret_until timestamptz, ADD COLUMN secret_rotated_at timestamptz`,
        `CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at)`,
        `CREATE INDEX webhook_messages_created_idx ON webhook_messages (created_at)`,
      ]);
    },
  },
];
