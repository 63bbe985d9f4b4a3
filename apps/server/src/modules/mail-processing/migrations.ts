import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** The inbound pipeline's explained records, the versioned rule sets, and the app owners' inbox. */
export const mailProcessingMigrations = [
  {
    name: '1370_mail_analyses',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE mail_analyses (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          incoming_mail_id uuid NOT NULL UNIQUE REFERENCES incoming_mail(id) ON DELETE CASCADE,
          org_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
          message_id text NOT NULL,
          sender text NOT NULL,
          subject text NOT NULL,
          stages jsonb NOT NULL,
          classification text NOT NULL,
          spam boolean NOT NULL,
          language text NOT NULL,
          app_id uuid REFERENCES apps(id) ON DELETE SET NULL,
          summary text NOT NULL,
          route text NOT NULL,
          labels text[] NOT NULL DEFAULT '{}',
          rule_version integer NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX mail_analyses_org_idx ON mail_analyses (org_id, created_at DESC)`,
        `CREATE TABLE mail_rule_sets (
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          version integer NOT NULL,
          rules jsonb NOT NULL,
          created_by uuid REFERENCES users(id) ON DELETE SET NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (org_id, version)
        )`,
        `CREATE TABLE mail_inbox (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          app_id uuid NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
          thread_id uuid NOT NULL,
          direction text NOT NULL,
          analysis_id uuid REFERENCES mail_analyses(id) ON DELETE SET NULL,
          message_id text NOT NULL,
          refs text[] NOT NULL DEFAULT '{}',
          sender text NOT NULL,
          user_id uuid REFERENCES users(id) ON DELETE SET NULL,
          subject text NOT NULL,
          body text NOT NULL,
          summary text NOT NULL,
          classification text NOT NULL,
          language text NOT NULL,
          sender_version text,
          draft text,
          state text NOT NULL,
          replied_at timestamptz,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX mail_inbox_app_idx ON mail_inbox (org_id, app_id, created_at DESC)`,
        `CREATE INDEX mail_inbox_message_idx ON mail_inbox (message_id)`,
      ]);
    },
  },
  {
    name: '1400_mail_inbox_changes',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE mail_inbox_changes (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          app_id uuid NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
          thread_id uuid NOT NULL,
          message_id uuid NOT NULL REFERENCES mail_inbox(id) ON DELETE CASCADE,
          reply_id uuid REFERENCES mail_inbox(id) ON DELETE SET NULL,
          requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
          change_text text NOT NULL,
          conversation_id uuid REFERENCES conversations(id) ON DELETE SET NULL,
          request_id uuid REFERENCES requests(id) ON DELETE SET NULL,
          notified_at timestamptz,
          notified_version text,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX mail_inbox_changes_thread_idx ON mail_inbox_changes (org_id, thread_id, created_at)`,
        `CREATE INDEX mail_inbox_changes_request_idx ON mail_inbox_changes (request_id)`,
      ]);
    },
  },
];

/** Later than the migrations of other modules that followed 1400 (names ascend across the whole list). */
export const inboxOwnerTokensMigrations = [
  {
    // An owner's reply address for one inbox message (marketplace+o<token>@…): their answer by mail.
    name: '1510_mail_inbox_owner_tokens',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE mail_inbox_owner_tokens (
          token text PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          inbox_message_id uuid NOT NULL REFERENCES mail_inbox(id) ON DELETE CASCADE,
          notice_message_id text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX mail_inbox_owner_tokens_message_idx ON mail_inbox_owner_tokens (inbox_message_id)`,
      ]);
    },
  },
];

/**
 * Analyses stored without an organisation before 1502 get the one their envelope recipient names, as
 * new ones do (recipient-organisation.ts): the conversation of a `+token` reply address, else the
 * only organisation of a server with one. The rest stay with none.
 */
export const mailAnalysisOwnerMigrations = [
  {
    name: '1502_mail_analysis_owner',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `UPDATE mail_analyses AS a SET org_id = c.org_id
          FROM incoming_mail AS i, conversations AS c
          WHERE a.org_id IS NULL AND i.id = a.incoming_mail_id
            AND c.mail_token = lower(substring(i.envelope_to[1] from '^[^@+]+\\+([A-Za-z0-9]{6,40})@'))`,
        `UPDATE mail_analyses SET org_id = (SELECT id FROM organizations)
          WHERE org_id IS NULL AND (SELECT count(*) FROM organizations) = 1
            AND NOT EXISTS (SELECT 1 FROM incoming_mail AS i WHERE i.id = mail_analyses.incoming_mail_id AND i.envelope_to[1] ~ '^[^@+]+\\+[A-Za-z0-9]{6,40}@')`,
      ]);
    },
  },
];

/**
 * A reporter's changes by reply (decision 0047): the reply address issued to the reporter of an inbox
 * thread (`marketplace+r<token>@…`, the Reply-To of the marketplace's mail in that thread), each change a
 * reporter asked for by mail with what became of it, and the person whose words a request builds.
 */
export const reporterChangesMigrations = [
  {
    name: '1550_mail_inbox_reporter_changes',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE mail_inbox_reporter_tokens (
          token text PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          thread_id uuid NOT NULL,
          inbox_message_id uuid NOT NULL REFERENCES mail_inbox(id) ON DELETE CASCADE,
          created_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (thread_id, user_id)
        )`,
        `CREATE TABLE mail_inbox_reporter_changes (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          app_id uuid NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
          thread_id uuid NOT NULL,
          message_id uuid NOT NULL REFERENCES mail_inbox(id) ON DELETE CASCADE,
          reporter_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          change_text text NOT NULL,
          policy text NOT NULL,
          state text NOT NULL,
          decided_by uuid REFERENCES users(id) ON DELETE SET NULL,
          decided_at timestamptz,
          reason text,
          change_id uuid REFERENCES mail_inbox_changes(id) ON DELETE SET NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX mail_inbox_reporter_changes_reporter_idx ON mail_inbox_reporter_changes (reporter_id, app_id, created_at)`,
        `CREATE UNIQUE INDEX mail_inbox_reporter_changes_message_idx ON mail_inbox_reporter_changes (message_id)`,
        `ALTER TABLE requests ADD COLUMN requested_by uuid REFERENCES users(id) ON DELETE SET NULL`,
      ]);
    },
  },
];
