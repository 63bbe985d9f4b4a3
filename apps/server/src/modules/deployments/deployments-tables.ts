import type { Generated } from 'kysely';
import type { Json, DefaultNow, Timestamp } from '../../db/column-types.js';

export const AGENT_COMMAND_TYPES = ['rollback', 'remove', 'logs'] as const;
export type AgentCommandType = (typeof AGENT_COMMAND_TYPES)[number];
export const AGENT_COMMAND_STATES = ['queued', 'sent', 'done', 'failed'] as const;
export type AgentCommandState = (typeof AGENT_COMMAND_STATES)[number];

/** What the server asks an agent to do about one deployment; delivered with heartbeats and command polls. */
export interface AgentCommandsTable {
  id: string;
  org_id: string;
  agent_id: string;
  deployment_id: string;
  type: AgentCommandType;
  state: AgentCommandState;
  reason: Json<{ code: string; message: string }> | null;
  attempts: Generated<number>;
  requested_by: string | null;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

/** One row per agent × app × version (module deployments). */
export interface DeploymentsTable {
  id: string;
  org_id: string;
  agent_id: string;
  app_id: string | null;
  app: string;
  version: string;
  state: string;
  health: Json<Record<string, unknown>> | null;
  reason: Json<{ code: string; message: string }> | null;
  log_tail: string | null;
  /** When the agent read the tail in log_tail. */
  log_tail_at: Timestamp | null;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

/** Every state change a deployment went through (module deployments). */
export interface DeploymentEventsTable {
  id: string;
  deployment_id: string;
  state: string;
  reason: Json<{ code: string; message: string }> | null;
  health: Json<Record<string, unknown>> | null;
  source: string;
  at: DefaultNow;
}

/** The tables module deployments owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface DeploymentsTables {
  agent_commands: AgentCommandsTable;
  deployments: DeploymentsTable;
  deployment_events: DeploymentEventsTable;
}
