import type { ColumnType } from 'kysely';
import type { Notice } from '../../http/notice.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultNow = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type ApprovalKind = 'publish' | 'distribute';
export type ApprovalState = 'waiting' | 'approved' | 'rejected';
/** Why the policy holds it: a stable code, the English sentence, and that sentence as a notice the UI words (absent on rows older than notices). */
export interface ApprovalReason {
  code: string;
  message: string;
  notice?: Notice;
}

/** Something the organisation's policy holds for a reviewer: a request before publishing, or a distribution. */
export interface ApprovalsTable {
  id: string;
  org_id: string;
  kind: ApprovalKind;
  /** The request waiting to be published (kind publish; one approval per request). */
  request_id: string | null;
  app_id: string | null;
  app_name: string;
  version: string | null;
  requested_by: string | null;
  /** What is decided: for a distribution, the version and the recipients' selection. */
  subject: Json<Record<string, unknown>>;
  reasons: Json<ApprovalReason[]>;
  hosts: Json<string[]>;
  state: ApprovalState;
  decided_by: string | null;
  decided_at: Timestamp | null;
  note: string | null;
  created_at: DefaultNow;
}

/** A one-time, expiring link from the notification mail, bound to one reviewer (only its hash is stored). */
export interface ApprovalLinksTable {
  id: string;
  org_id: string;
  approval_id: string;
  reviewer_id: string;
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: DefaultNow;
}

export interface ApprovalsTables {
  approvals: ApprovalsTable;
  approval_links: ApprovalLinksTable;
}
