import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

export const approvalsMigrations = [
  {
    name: '0300_approvals',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE approvals (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          kind text NOT NULL CHECK (kind IN ('publish', 'distribute')),
          request_id uuid UNIQUE REFERENCES requests(id) ON DELETE CASCADE,
          app_id uuid,
          app_name text NOT NULL,
          version text,
          requested_by uuid,
          subject jsonb NOT NULL DEFAULT '{}',
          reasons jsonb NOT NULL DEFAULT '[]',
          hosts jsonb NOT NULL DEFAULT '[]',
          state text NOT NULL CHECK (state IN ('waiting', 'approved', 'rejected')),
          decided_by uuid,
          decided_at timestamptz,
          note text,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX approvals_org_state_idx ON approvals (org_id, state, created_at)`,
        `CREATE TABLE approval_links (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          approval_id uuid NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
          reviewer_id uuid NOT NULL,
          token_hash text NOT NULL UNIQUE,
          expires_at timestamptz NOT NULL,
          used_at timestamptz,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
      ]);
    },
  },
];
