import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** Organisation mail templates (with their history) and every outgoing message per recipient. */
export const outgoingMailMigrations = [
  {
    name: '1470_mail_templates_and_outgoing_mail',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE mail_templates (
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          kind text NOT NULL,
          language text NOT NULL,
          subject text NOT NULL,
          body text NOT NULL,
          version integer NOT NULL,
          updated_by uuid,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (org_id, kind, language)
        )`,
        `CREATE TABLE mail_template_versions (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          kind text NOT NULL,
          language text NOT NULL,
          version integer NOT NULL,
          action text NOT NULL,
          subject text,
          body text,
          changed_by uuid,
          changed_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX mail_template_versions_idx ON mail_template_versions (org_id, kind, language, version DESC)`,
        `CREATE TABLE outgoing_mail (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          org_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
          kind text NOT NULL,
          language text NOT NULL,
          message_id text NOT NULL,
          subject text NOT NULL,
          state text NOT NULL,
          block_code text,
          block_reason text,
          inbox_message_id uuid,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX outgoing_mail_org_idx ON outgoing_mail (org_id, created_at DESC)`,
        `CREATE INDEX outgoing_mail_message_id_idx ON outgoing_mail (message_id)`,
        `CREATE INDEX outgoing_mail_inbox_idx ON outgoing_mail (inbox_message_id) WHERE inbox_message_id IS NOT NULL`,
        `CREATE TABLE outgoing_mail_recipients (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          mail_id uuid NOT NULL REFERENCES outgoing_mail(id) ON DELETE CASCADE,
          org_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
          address text NOT NULL,
          token text NOT NULL UNIQUE,
          state text NOT NULL,
          smtp_code integer,
          smtp_response text,
          dsn_action text,
          dsn_status text,
          diagnostic text,
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX outgoing_mail_recipients_mail_idx ON outgoing_mail_recipients (mail_id)`,
      ]);
    },
  },
];

/** The key return-path tags are signed with (decision 0046): one row, made on first use. */
export const returnPathKeyMigrations = [
  {
    name: '1540_mail_return_path_key',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE mail_return_path_keys (
          id smallint PRIMARY KEY CHECK (id = 1),
          key text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
      ]);
    },
  },
];
