import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/**
 * The audit log is append-only: a trigger refuses UPDATE and DELETE, so even a bug in our code cannot
 * rewrite history; the hash chain (audit-chain.ts) detects what a database superuser might still do.
 */
export const auditMigrations = [
  {
    name: '0002_audit',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE audit_log (
          id uuid PRIMARY KEY,
          chain text NOT NULL,
          seq integer NOT NULL,
          org_id uuid,
          at timestamptz NOT NULL,
          actor_type text NOT NULL,
          actor_id text,
          action text NOT NULL,
          target_type text,
          target_id text,
          result text NOT NULL,
          status_code integer,
          ip text,
          request_id text,
          details jsonb NOT NULL DEFAULT '{}',
          prev_hash text NOT NULL,
          hash text NOT NULL,
          UNIQUE (chain, seq)
        )`,
        `CREATE INDEX audit_log_org_at_idx ON audit_log (org_id, at DESC)`,
        `CREATE TABLE audit_heads (
          chain text PRIMARY KEY,
          seq integer NOT NULL,
          hash text NOT NULL
        )`,
        `CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
        END;
        $$`,
        `CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
          FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
      ]);
    },
  },
];
