import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/schema.js';
import type { ApprovalKind, ApprovalReason, ApprovalsTable, ApprovalState } from './approvals-tables.js';

export type ApprovalRow = { [K in keyof ApprovalsTable]: ApprovalsTable[K] extends { __select__: infer S } ? S : ApprovalsTable[K] } & { created_at: Date; decided_at: Date | null };

export interface NewApproval {
  orgId: string;
  kind: ApprovalKind;
  requestId?: string | null;
  appId?: string | null;
  appName: string;
  version?: string | null;
  requestedBy: string | null;
  subject?: Record<string, unknown>;
  reasons: ApprovalReason[];
  hosts: string[];
}

/** Stores an approval; for a request the existing one is returned (a retried publish step asks once). */
export async function insertApproval(db: Db, input: NewApproval): Promise<{ row: ApprovalRow; created: boolean }> {
  if (input.requestId) {
    const existing = await db.selectFrom('approvals').selectAll().where('request_id', '=', input.requestId).executeTakeFirst();
    if (existing) return { row: existing as ApprovalRow, created: false };
  }
  const row = await db
    .insertInto('approvals')
    .values({
      id: randomUUID(),
      org_id: input.orgId,
      kind: input.kind,
      request_id: input.requestId ?? null,
      app_id: input.appId ?? null,
      app_name: input.appName,
      version: input.version ?? null,
      requested_by: input.requestedBy,
      subject: JSON.stringify(input.subject ?? {}),
      reasons: JSON.stringify(input.reasons),
      hosts: JSON.stringify(input.hosts),
      state: 'waiting',
    })
    .onConflict((oc) => oc.column('request_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row) return { row: row as ApprovalRow, created: true };
  return { row: (await db.selectFrom('approvals').selectAll().where('request_id', '=', input.requestId!).executeTakeFirstOrThrow()) as ApprovalRow, created: false };
}

export async function findApproval(db: Db, orgId: string, id: string): Promise<ApprovalRow | undefined> {
  return (await db.selectFrom('approvals').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()) as ApprovalRow | undefined;
}

export async function approvalOfRequest(db: Db, requestId: string): Promise<ApprovalRow | undefined> {
  return (await db.selectFrom('approvals').selectAll().where('request_id', '=', requestId).executeTakeFirst()) as ApprovalRow | undefined;
}

export async function listApprovals(db: Db, orgId: string, state: ApprovalState | undefined, limit: number): Promise<ApprovalRow[]> {
  let q = db.selectFrom('approvals').selectAll().where('org_id', '=', orgId);
  if (state) q = q.where('state', '=', state);
  return (await q.orderBy('created_at', 'desc').limit(limit).execute()) as ApprovalRow[];
}

/** Moves a waiting approval to its decision; undefined when it was decided already (only one decision wins). */
export async function recordDecision(db: Db, orgId: string, id: string, decision: { state: 'approved' | 'rejected'; by: string; note: string | null }): Promise<ApprovalRow | undefined> {
  return (await db
    .updateTable('approvals')
    .set({ state: decision.state, decided_by: decision.by, decided_at: new Date(), note: decision.note })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('state', '=', 'waiting')
    .returningAll()
    .executeTakeFirst()) as ApprovalRow | undefined;
}

/** Active reviewers of the organisation (role reviewer or admin), who get the notification. */
export async function reviewersOf(db: Db, orgId: string): Promise<{ id: string; email: string; name: string }[]> {
  const users = await db.selectFrom('users').select(['id', 'email', 'name', 'roles']).where('org_id', '=', orgId).where('status', '=', 'active').execute();
  return users.filter((user) => user.roles.includes('reviewer') || user.roles.includes('admin')).map(({ id, email, name }) => ({ id, email, name }));
}

/** The reviewer a link was sent to, as the users table has them now (a demoted or disabled reviewer decides nothing). */
export async function findReviewer(db: Db, orgId: string, userId: string) {
  return db.selectFrom('users').select(['id', 'roles', 'status']).where('id', '=', userId).where('org_id', '=', orgId).executeTakeFirst();
}
