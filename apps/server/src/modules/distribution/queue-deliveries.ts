import { randomUUID } from 'node:crypto';
import type { JobQueue } from '@marketplace/db';
import type { Db } from '../../db/schema.js';
import type { DeliveriesTable } from './distribution-tables.js';
import type { AgentRecipient } from '../agents/agents-repository.js';
import type { EventBus } from '../events/event-bus.js';
import { publishDelivery } from './delivery-events.js';
import { SEND_RELEASE_JOB } from './send-release-job.js';

export type DeliveryRow = { id: string; recipient: string; agent_id: string; user_id: string | null; state: DeliveriesTable['state']; error: string | null; created_at: Date | string; sent_at: Date | string | null };

/**
 * One delivery (and one send job) per agent for a published version. The same version to the same
 * agent again is the existing delivery: no second e-mail, which the agent would refuse as not newer.
 * `resendUnstarted` also queues the job for an existing delivery no job ever started on (a caller
 * retrying after a crash between the insert and the job).
 */
export async function queueDeliveries(
  db: Db,
  jobs: Pick<JobQueue, 'send'>,
  events: EventBus,
  input: { orgId: string; appId: string; versionId: string; recipients: AgentRecipient[]; requestedBy: string | null; resendUnstarted?: boolean },
): Promise<DeliveryRow[]> {
  const deliveries: DeliveryRow[] = [];
  for (const recipient of input.recipients) {
    const inserted = await db
      .insertInto('deliveries')
      .values({ id: randomUUID(), org_id: input.orgId, app_id: input.appId, version_id: input.versionId, agent_id: recipient.agentId, user_id: recipient.userId, recipient: recipient.mailbox, state: 'queued', requested_by: input.requestedBy })
      .onConflict((oc) => oc.columns(['version_id', 'agent_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    const row = inserted ?? (await db.selectFrom('deliveries').selectAll().where('version_id', '=', input.versionId).where('agent_id', '=', recipient.agentId).executeTakeFirstOrThrow());
    if (inserted) await publishDelivery(db, events, row.id);
    if (inserted || (input.resendUnstarted && row.state === 'queued' && row.attempts === 0)) await jobs.send(SEND_RELEASE_JOB, { orgId: input.orgId, deliveryId: row.id });
    deliveries.push(row);
  }
  return deliveries;
}
