import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** Enrolment codes and enrolled deploy agents. */
export const agentsMigrations = [
  {
    name: '0101_agents',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE agent_enrollments (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          code_hash text NOT NULL UNIQUE,
          created_by uuid,
          expires_at timestamptz NOT NULL,
          used_at timestamptz,
          agent_id uuid,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE TABLE agents (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          client_row_id uuid NOT NULL UNIQUE REFERENCES agent_clients(id) ON DELETE CASCADE,
          name text NOT NULL,
          hostname text NOT NULL,
          os text NOT NULL,
          mailbox text NOT NULL,
          version text,
          runtimes jsonb NOT NULL DEFAULT '[]',
          apps jsonb NOT NULL DEFAULT '[]',
          last_seen_at timestamptz,
          created_at timestamptz NOT NULL DEFAULT now(),
          revoked_at timestamptz
        )`,
        `CREATE INDEX agents_org_user_idx ON agents (org_id, user_id)`,
        `CREATE UNIQUE INDEX agents_mailbox_key ON agents (lower(mailbox)) WHERE revoked_at IS NULL`,
      ]);
    },
  },
];

/** Report keys for status mails (run after every module's first tables). */
export const agentReportKeyMigrations = [
  {
    name: '1212_agent_report_keys',
    async up(db: Kysely<any>): Promise<void> {
      // Status mails count only when signed with the key the agent enrolled to report by mail with.
      await runStatements(db, [`ALTER TABLE agents ADD COLUMN report_key text`, `ALTER TABLE agents ADD COLUMN mail_report_at timestamptz`]);
    },
  },
];
