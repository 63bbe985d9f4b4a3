import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** Distribution campaigns (decision 0039): the campaign, its drafts per language, its recipients, its deliveries. */
export const campaignsMigrations = [
  {
    name: '1480_campaigns',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE campaigns (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          app_id uuid NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
          version_id uuid NOT NULL REFERENCES app_versions(id) ON DELETE CASCADE,
          audience jsonb NOT NULL,
          install_now boolean NOT NULL DEFAULT false,
          state text NOT NULL CHECK (state IN ('draft', 'scheduled', 'sending', 'sent', 'cancelled')),
          scheduled_at timestamptz,
          created_by uuid,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          started_at timestamptz,
          finished_at timestamptz
        )`,
        `CREATE INDEX campaigns_org_idx ON campaigns (org_id, created_at DESC)`,
        `CREATE TABLE campaign_drafts (
          campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
          language text NOT NULL CHECK (language IN ('en', 'pl')),
          subject text NOT NULL,
          body text NOT NULL,
          edited boolean NOT NULL DEFAULT false,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (campaign_id, language)
        )`,
        `CREATE TABLE campaign_recipients (
          id uuid PRIMARY KEY,
          campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          user_id uuid NOT NULL,
          email text NOT NULL,
          language text NOT NULL CHECK (language IN ('en', 'pl')),
          state text NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'bounced', 'failed')),
          message_id text UNIQUE,
          error text,
          sent_at timestamptz,
          bounced_at timestamptz,
          bounce_reason text,
          UNIQUE (campaign_id, user_id)
        )`,
        `CREATE INDEX campaign_recipients_state_idx ON campaign_recipients (campaign_id, state)`,
        `CREATE TABLE campaign_deliveries (
          delivery_id uuid PRIMARY KEY REFERENCES deliveries(id) ON DELETE CASCADE,
          campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX campaign_deliveries_campaign_idx ON campaign_deliveries (campaign_id)`,
      ]);
    },
  },
];

/** Campaign mail goes through outgoing_mail (decision 0046): a DSN finds its campaign recipient by Message-ID. */
export const campaignMailMigrations = [
  {
    name: '1541_campaign_recipients_message_id',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [`CREATE INDEX campaign_recipients_message_id_idx ON campaign_recipients (org_id, message_id) WHERE message_id IS NOT NULL`]);
    },
  },
];
