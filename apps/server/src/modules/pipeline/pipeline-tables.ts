import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, Json, DefaultNow } from '../../db/column-types.js';

/** `awaiting-approval`: signed, held before publishing until a reviewer decides (the organisation's policy). */
export const REQUEST_STATES = ['queued', 'generating', 'validating', 'packaging', 'scanning', 'signing', 'awaiting-approval', 'published', 'failed'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export interface RequestsTable {
  id: string;
  org_id: string;
  user_id: string | null;
  source: 'api' | 'conversation' | 'email' | 'mcp' | 'cli';
  text: string | null;
  spec: Json<Record<string, unknown>>;
  state: RequestState;
  error: Json<{ step: string; code: string; message: string } | null> | null;
  notice: string | null;
  /** Whose words the request builds when that is not the requester: a reporter's change built on an owner's behalf (decision 0047). */
  requested_by: ColumnType<string | null, string | null | undefined, string | null>;
  app_id: string | null;
  version: string | null;
  /** Why the published release went to none of the requester's workstations, as it was then (null: sent, or published before 1760). */
  delivery_skipped: ColumnType<'not-automatic' | 'no-workstation' | null, 'not-automatic' | 'no-workstation' | null | undefined, 'not-automatic' | 'no-workstation' | null>;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

export interface RequestStepsTable {
  request_id: string;
  name: string;
  position: number;
  state: 'pending' | 'running' | 'done' | 'failed';
  attempts: Generated<number>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  duration_ms: number | null;
  error: Json<{ code: string; message: string; output?: string } | null> | null;
}

export interface RequestFilesTable {
  request_id: string;
  path: string;
  content: Buffer;
  mode: number;
}

export interface RequestOutputsTable {
  request_id: string;
  manifest: Json<Record<string, unknown>> | null;
  validation_report: Json<Record<string, unknown>> | null;
  scan_report: Json<Record<string, unknown>> | null;
  bundle: Buffer | null;
  bundle_sha256: string | null;
  bundle_size: number | null;
  release_json: string | null;
  key_id: string | null;
}

/** The tables module pipeline owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface PipelineTables {
  requests: RequestsTable;
  request_steps: RequestStepsTable;
  request_files: RequestFilesTable;
  request_outputs: RequestOutputsTable;
}
