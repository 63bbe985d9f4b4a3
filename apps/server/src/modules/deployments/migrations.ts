import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** One row per agent × app × version, with every state change it went through; commands the server sends an agent about them (rollback, remove). */
export const deploymentsMigrations = [
  {
    name: '0102_deployments',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE deployments (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          agent_id uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
          app_id uuid,
          app text NOT NULL,
          version text NOT NULL,
          state text NOT NULL,
          health jsonb,
          reason jsonb,
          log_tail text,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (agent_id, app, version)
        )`,
        `CREATE INDEX deployments_org_idx ON deployments (org_id, updated_at DESC)`,
        `CREATE TABLE deployment_events (
          id uuid PRIMARY KEY,
          deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
          state text NOT NULL,
          reason jsonb,
          health jsonb,
          source text NOT NULL,
          at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX deployment_events_deployment_idx ON deployment_events (deployment_id, at)`,
      ]);
    },
  },
  {
    name: '0103_agent_commands',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE agent_commands (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          agent_id uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
          deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
          type text NOT NULL CHECK (type IN ('rollback', 'remove')),
          state text NOT NULL CHECK (state IN ('queued', 'sent', 'done', 'failed')),
          reason jsonb,
          attempts integer NOT NULL DEFAULT 0,
          requested_by uuid,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX agent_commands_agent_open_idx ON agent_commands (agent_id, created_at) WHERE state IN ('queued', 'sent')`,
        `CREATE INDEX agent_commands_deployment_idx ON agent_commands (deployment_id, created_at DESC)`,
      ]);
    },
  },
  {
    // Catalog cards count each app's installs and healthy/unhealthy workstations: one index lookup per app.
    name: '0104_deployments_app_idx',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [`CREATE INDEX deployments_app_idx ON deployments (app_id, state, agent_id)`]);
    },
  },
];

/** Logs on request: the server asks an agent for the latest lines of one deployment's app (decision 0040). */
export const deploymentLogsMigrations = [
  {
    name: '1490_agent_commands_logs',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `ALTER TABLE agent_commands DROP CONSTRAINT agent_commands_type_check`,
        `ALTER TABLE agent_commands ADD CONSTRAINT agent_commands_type_check CHECK (type IN ('rollback', 'remove', 'logs'))`,
        // when the agent took the tail kept in log_tail (a report's or an answer to a logs command)
        `ALTER TABLE deployments ADD COLUMN log_tail_at timestamptz`,
      ]);
    },
  },
];
