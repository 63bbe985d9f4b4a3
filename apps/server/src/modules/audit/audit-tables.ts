import type { Timestamp, Json } from '../../db/column-types.js';

export interface AuditLogTable {
  id: string;
  chain: string;
  seq: number;
  org_id: string | null;
  at: Timestamp;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  result: 'success' | 'failure' | 'denied';
  status_code: number | null;
  ip: string | null;
  request_id: string | null;
  details: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  chain: string;
  seq: number;
  hash: string;
}

/** The tables module audit owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface AuditTables {
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
}
