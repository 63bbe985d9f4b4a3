import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

export const accountsMigrations = [
  {
    name: '0001_accounts',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE organizations (
          id uuid PRIMARY KEY,
          name text NOT NULL,
          slug text NOT NULL UNIQUE,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE TABLE users (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          email text NOT NULL,
          name text NOT NULL,
          password_hash text,
          roles text[] NOT NULL DEFAULT '{member}',
          status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
          failed_logins integer NOT NULL DEFAULT 0,
          locked_until timestamptz,
          last_login_at timestamptz,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE UNIQUE INDEX users_email_key ON users (lower(email))`,
        `CREATE INDEX users_org_idx ON users (org_id)`,
        `CREATE TABLE invitations (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          email text NOT NULL,
          roles text[] NOT NULL,
          token_hash text NOT NULL UNIQUE,
          invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
          expires_at timestamptz NOT NULL,
          accepted_at timestamptz,
          revoked_at timestamptz,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX invitations_org_idx ON invitations (org_id)`,
        `CREATE TABLE sessions (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          refresh_hash text NOT NULL UNIQUE,
          ip text,
          user_agent text,
          created_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz NOT NULL,
          revoked_at timestamptz
        )`,
        `CREATE INDEX sessions_user_idx ON sessions (user_id)`,
        `CREATE TABLE api_keys (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          name text NOT NULL,
          prefix text NOT NULL UNIQUE,
          secret_hash text NOT NULL,
          roles text[] NOT NULL,
          created_by uuid REFERENCES users(id) ON DELETE SET NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz,
          last_used_at timestamptz,
          revoked_at timestamptz
        )`,
        `CREATE INDEX api_keys_org_idx ON api_keys (org_id)`,
        `CREATE TABLE agent_clients (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          name text NOT NULL,
          client_id text NOT NULL UNIQUE,
          secret_hash text NOT NULL,
          created_by uuid REFERENCES users(id) ON DELETE SET NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          last_token_at timestamptz,
          revoked_at timestamptz
        )`,
        `CREATE INDEX agent_clients_org_idx ON agent_clients (org_id)`,
      ]);
    },
  },
];

/** A person's language for mail the marketplace writes to them (campaign announcements, decision 0039); null: the organisation's default. */
export const userLanguageMigrations = [
  {
    name: '1481_user_language',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [`ALTER TABLE users ADD COLUMN language text CHECK (language IN ('en', 'pl'))`]);
    },
  },
];
