import type { ColumnType } from 'kysely';
import type { Timestamp, DefaultNow } from '../../db/column-types.js';

/** Enrolment codes for deploy agents (module agents): one use each, hashed. */
export interface AgentEnrollmentsTable {
  id: string;
  org_id: string;
  user_id: string;
  code_hash: string;
  created_by: string | null;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  agent_id: string | null;
  created_at: DefaultNow;
}

/** Enrolled deploy agents (module agents). */
export interface AgentsTable {
  id: string;
  org_id: string;
  user_id: string;
  client_row_id: string;
  name: string;
  hostname: string;
  os: string;
  mailbox: string;
  /** Ed25519 public key (SPKI PEM) the agent signs its status mails with; null: it does not report by mail. */
  report_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** `at` of the newest status mail taken from this agent (older or equal ones are replays). */
  mail_report_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  version: string | null;
  runtimes: ColumnType<unknown[], string | undefined, string>;
  apps: ColumnType<unknown[], string | undefined, string>;
  last_seen_at: Timestamp | null;
  created_at: DefaultNow;
  revoked_at: Timestamp | null;
}

/** The tables module agents owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface AgentsTables {
  agent_enrollments: AgentEnrollmentsTable;
  agents: AgentsTable;
}
