import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

export const settingsMigrations = [
  {
    name: '0003_org_settings',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE org_settings (
          org_id uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
          settings jsonb NOT NULL DEFAULT '{}',
          updated_by uuid,
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
      ]);
    },
  },
];
