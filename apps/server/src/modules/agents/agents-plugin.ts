import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DeploymentReport } from '../deployments/deployments-repository.js';
import { recordDeploymentAndPublish } from '../deployments/deployment-events.js';
import { createMailIngest, type MailIngest } from '../deployments/mail-ingest.js';
import { statusMailHandler } from '../deployments/status-mail-handler.js';

export interface AgentRecipient {
  agentId: string;
  userId: string;
  mailbox: string;
}

export interface AgentsService {
  /** Mailboxes of the organisation's enrolled (not revoked) agents: of some users, some agents, or all. */
  recipients(orgId: string, select: { userIds?: string[]; agentIds?: string[]; all?: boolean }): Promise<AgentRecipient[]>;
}

export interface DeploymentsService {
  record(report: Omit<DeploymentReport, 'source'> & { source?: DeploymentReport['source'] }): Promise<{ id: string }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    agents: AgentsService;
    deployments: DeploymentsService;
    /** Mail addressed to the server itself (SMTP_FROM): handlers see each message once. */
    mailIngest: MailIngest;
  }
}

/** Mailboxes of the organisation's enrolled (not revoked) agents: of some users, some agents, or all. */
export async function agentRecipients(db: Kysely<any>, orgId: string, select: { userIds?: string[]; agentIds?: string[]; all?: boolean }): Promise<AgentRecipient[]> {
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

/** App-wide services of the agents and deployments modules, for the distribution jobs and the mail hub. */
export default fp(
  async function agentsPlugin(app: FastifyInstance) {
    const db = app.db as unknown as Kysely<any>;
    app.decorate('agents', { recipients: (orgId, select) => agentRecipients(db, orgId, select) } satisfies AgentsService);
    app.decorate('deployments', { record: (report) => recordDeploymentAndPublish(db, app.events, { source: 'server', ...report }) } satisfies DeploymentsService);
    const ingest = createMailIngest(app.log);
    ingest.register(statusMailHandler(db, app.events, app.log));
    app.decorate('mailIngest', ingest);
  },
  { name: 'agents', dependencies: ['database', 'events'] },
);
