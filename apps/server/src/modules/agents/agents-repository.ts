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
