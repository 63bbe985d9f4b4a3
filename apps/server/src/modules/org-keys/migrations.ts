import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** Organisation signing keys (issue 3): one root per organisation and its release keys, private halves encrypted. */
export const orgKeysMigrations = [
  {
    name: '0100_org_keys',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE org_root_keys (
          org_id uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
          key_id text NOT NULL,
          public_key text NOT NULL,
          private_key_encrypted text NOT NULL,
          key_list_json text NOT NULL,
          key_list_version integer NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE TABLE org_release_keys (
          key_id text NOT NULL,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          public_key text NOT NULL,
          private_key_encrypted text NOT NULL,
          status text NOT NULL CHECK (status IN ('active', 'revoked')),
          created_at timestamptz NOT NULL DEFAULT now(),
          revoked_at timestamptz,
          PRIMARY KEY (org_id, key_id)
        )`,
      ]);
    },
  },
];
