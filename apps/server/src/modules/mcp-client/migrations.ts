import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

export const mcpClientMigrations = [
  {
    name: '1440_mcp_servers',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE mcp_servers (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          name text NOT NULL,
          description text NOT NULL DEFAULT '',
          transport text NOT NULL CHECK (transport IN ('stdio', 'http')),
          url text,
          command text,
          args jsonb NOT NULL DEFAULT '[]',
          secret_names jsonb NOT NULL DEFAULT '[]',
          secrets_sealed text,
          enabled boolean NOT NULL DEFAULT true,
          allowed_tools jsonb NOT NULL DEFAULT '[]',
          created_by uuid,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (org_id, name)
        )`,
      ]);
    },
  },
];
