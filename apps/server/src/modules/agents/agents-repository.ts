import type { Db } from '../../db/schema.js';

export interface AgentRecipient {
  agentId: string;
  userId: string;
  mailbox: string;
}

export interface AgentsService {
  /** Mailboxes of the organisation's enrolled (not revoked) agents: of some users, some agents, or all. */
  recipients(orgId: string, select: { userIds?: string[]; agentIds?: string[]; all?: boolean }): Promise<AgentRecipient[]>;
}

/** Mailboxes of the organisation's enrolled (not revoked) agents: of some users, some agents, or all. */
export async function agentRecipients(db: Db, orgId: string, select: { userIds?: string[]; agentIds?: string[]; all?: boolean }): Promise<AgentRecipient[]> {
  let q = db.selectFrom('agents').select(['id', 'user_id', 'mailbox']).where('org_id', '=', orgId).where('revoked_at', 'is', null);
  if (!select.all) {
    const userIds = select.userIds ?? [];
    const agentIds = select.agentIds ?? [];
    if (userIds.length === 0 && agentIds.length === 0) return [];
    q = q.where((eb) => eb.or([...(userIds.length ? [eb('user_id', 'in', userIds)] : []), ...(agentIds.length ? [eb('id', 'in', agentIds)] : [])]));
  }
  const rows = await q.orderBy('created_at').execute();
  return rows.map((row: any) => ({ agentId: row.id, userId: row.user_id, mailbox: row.mailbox }));
}

export const createAgentsService = (db: Db): AgentsService => ({ recipients: (orgId, select) => agentRecipients(db, orgId, select) });

/** Agents a principal may see: every agent of the organisation for an admin, else the caller's own. */
/** The agents a caller may see (admins: all of the organisation's; others: their own), with their owner's name and e-mail. */
export function visibleAgents(db: Db, principal: { orgId: string; userId: string | null }, isAdmin: boolean) {
  let q = db
    .selectFrom('agents')
    .leftJoin('users', 'users.id', 'agents.user_id')
    .selectAll('agents')
    .select(['users.name as owner_name', 'users.email as owner_email'])
    .where('agents.org_id', '=', principal.orgId);
  if (!isAdmin) q = q.where('agents.user_id', '=', principal.userId!);
  return q;
}

/** The active user an admin names for an enrolment code, if any. */
export function findActiveUser(db: Db, orgId: string, userId: string) {
  return db.selectFrom('users').select('id').where('org_id', '=', orgId).where('id', '=', userId).where('status', '=', 'active').executeTakeFirst();
}

export async function insertEnrollment(db: Db, values: { id: string; orgId: string; userId: string; codeHash: string; createdBy: string | null | undefined; expiresAt: Date }) {
  await db.insertInto('agent_enrollments').values({ id: values.id, org_id: values.orgId, user_id: values.userId, code_hash: values.codeHash, created_by: values.createdBy, expires_at: values.expiresAt }).execute();
}

export function findEnrollmentByCodeHash(db: Db, codeHash: string) {
  return db.selectFrom('agent_enrollments').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

/** An enrolled (not revoked) agent already using this mailbox, compared without case. */
export function findAgentByMailbox(db: Db, mailbox: string) {
  return db.selectFrom('agents').select('id').where(({ fn, eb }) => eb(fn('lower', ['mailbox']), '=', mailbox.toLowerCase())).where('revoked_at', 'is', null).executeTakeFirst();
}

/** Marks the enrolment used by this agent; undefined when another request used it first. */
export function claimEnrollment(db: Db, enrollmentId: string, agentId: string) {
  return db.updateTable('agent_enrollments').set({ used_at: new Date(), agent_id: agentId }).where('id', '=', enrollmentId).where('used_at', 'is', null).returning('id').executeTakeFirst();
}

export async function insertAgent(db: Db, values: { id: string; orgId: string; userId: string; clientRowId: string; name: string; hostname: string; os: string; mailbox: string; reportKey: string | null }) {
  await db.insertInto('agents').values({ id: values.id, org_id: values.orgId, user_id: values.userId, client_row_id: values.clientRowId, name: values.name, hostname: values.hostname, os: values.os, mailbox: values.mailbox, report_key: values.reportKey }).execute();
}

/** Revokes the agent and its client credentials at the same instant. */
export async function revokeAgent(db: Db, agentId: string, clientRowId: string) {
  const now = new Date();
  await db.updateTable('agents').set({ revoked_at: now }).where('id', '=', agentId).execute();
  await db.updateTable('agent_clients').set({ revoked_at: now }).where('id', '=', clientRowId).execute();
}

/** The enrolled (not revoked) agent behind a client credential of the organisation. */
export async function findAgentByClient(db: Db, clientRowId: string, orgId: string) {
  const agent = await db.selectFrom('agents').select(['id', 'org_id']).where('client_row_id', '=', clientRowId).where('org_id', '=', orgId).where('revoked_at', 'is', null).executeTakeFirst();
  return agent as { id: string; org_id: string } | undefined;
}

/** A heartbeat: what the agent runs now, and that it was seen. */
export async function recordHeartbeat(db: Db, agentId: string, seen: { version: string; os: string; runtimes: unknown[]; apps: unknown[] }) {
  await db.updateTable('agents').set({ version: seen.version, os: seen.os, runtimes: JSON.stringify(seen.runtimes), apps: JSON.stringify(seen.apps), last_seen_at: new Date() }).where('id', '=', agentId).execute();
}

export async function markAgentSeen(db: Db, agentId: string) {
  await db.updateTable('agents').set({ last_seen_at: new Date() }).where('id', '=', agentId).execute();
}

/** Enrols (or replaces) the key the agent signs its status mails with; the replay mark starts over. */
export async function setReportKey(db: Db, agentId: string, reportKey: string) {
  await db.updateTable('agents').set({ report_key: reportKey, mail_report_at: null }).where('id', '=', agentId).execute();
}
