import { randomUUID } from 'node:crypto';
import type { JobQueue } from '@marketplace/db';
import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { DeliveriesTable } from './distribution-tables.js';
import type { AgentRecipient } from '../agents/agents-repository.js';
import type { EventBus } from '../events/event-bus.js';
import { publishDelivery } from './delivery-events.js';
import { SEND_RELEASE_JOB } from './send-release-job.js';

export type DeliveryRow = { id: string; recipient: string; agent_id: string; user_id: string | null; state: DeliveriesTable['state']; error: string | null; created_at: Date | string; sent_at: Date | string | null };
/** `existing`: the version had already been delivered to that agent and nothing new was sent. */
export type QueuedDelivery = DeliveryRow & { existing: boolean };

const OPEN = ['queued', 'sending'];

/**
 * One delivery (and one send job) per agent for a published version. The same version to the same
 * agent again is the existing delivery (no second e-mail, which the agent would refuse as a copy)
 * unless it cannot have arrived or is not there any more: the last one failed, or since it was sent
 * the version was removed from that agent, rolled back there, or refused by it. Then a new delivery (a new statement nonce) is queued. `again` (redeploy)
 * queues a new one whenever none is still on its way. `resendUnstarted` also queues the job for an
 * existing delivery no job ever started on (a caller retrying after a crash between insert and job).
 */
export async function queueDeliveries(
  db: Db,
  jobs: Pick<JobQueue, 'send'>,
  events: EventBus,
  input: { orgId: string; appId: string; versionId: string; recipients: AgentRecipient[]; requestedBy: string | null; resendUnstarted?: boolean; again?: boolean },
): Promise<QueuedDelivery[]> {
  const deliveries: QueuedDelivery[] = [];
  const version = await db.selectFrom('app_versions').innerJoin('apps', 'apps.id', 'app_versions.app_id').select(['apps.name', 'app_versions.version']).where('app_versions.id', '=', input.versionId).executeTakeFirstOrThrow();
  for (const recipient of input.recipients) {
    const { row, inserted } = await db.transaction().execute(async (trx) => {
      // one writer per agent, so two clicks cannot both queue a delivery
      await sql`SELECT id FROM agents WHERE id = ${recipient.agentId} FOR UPDATE`.execute(trx);
      const last = await trx.selectFrom('deliveries').selectAll().where('version_id', '=', input.versionId).where('agent_id', '=', recipient.agentId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
      if (last && !(await deliverAgain(trx as unknown as Db, last, recipient.agentId, version, input.again === true))) return { row: last, inserted: false };
      const row = await trx
        .insertInto('deliveries')
        .values({ id: randomUUID(), org_id: input.orgId, app_id: input.appId, version_id: input.versionId, agent_id: recipient.agentId, user_id: recipient.userId, recipient: recipient.mailbox, state: 'queued', requested_by: input.requestedBy })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { row, inserted: true };
    });
    if (inserted) await publishDelivery(db, events, row.id);
    if (inserted || (input.resendUnstarted && row.state === 'queued' && row.attempts === 0)) await jobs.send(SEND_RELEASE_JOB, { orgId: input.orgId, deliveryId: row.id });
    deliveries.push({ ...row, existing: !inserted });
  }
  return deliveries;
}

async function deliverAgain(db: Db, last: { state: string; created_at: Date | string }, agentId: string, version: { name: string; version: string }, again: boolean): Promise<boolean> {
  if (OPEN.includes(last.state)) return false;
  if (last.state === 'failed' || again) return true;
  const deployment = await db.selectFrom('deployments').select(['state', 'updated_at']).where('agent_id', '=', agentId).where('app', '=', version.name).where('version', '=', version.version).executeTakeFirst();
  // no longer there since the last delivery: removed, rolled back (or a failed install the earlier version
  // survived), or refused by the workstation: "still there" would not be true, so it goes again
  return deployment !== undefined && GONE_STATES.includes(deployment.state) && new Date(deployment.updated_at).getTime() > new Date(last.created_at).getTime();
}

const GONE_STATES = ['removed', 'rolled-back', 'rejected'];
