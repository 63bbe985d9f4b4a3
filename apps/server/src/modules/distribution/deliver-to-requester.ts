import type { JobQueue } from '@marketplace/db';
import type { Logger } from 'pino';
import type { Db } from '../../db/schema.js';
import { agentRecipients } from '../agents/agents-repository.js';
import type { EventBus } from '../events/event-bus.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { queueDeliveries } from './queue-deliveries.js';

/**
 * After a request is published its release goes to the requester's own enrolled agents, as
 * `distribute` with their agent ids would send it (org setting `distribution.deliverToRequester`,
 * on by default). Safe to run again: each agent gets the version once. When it sends nothing, the
 * request keeps why (`delivery_skipped`): a later change of the setting does not rewrite that story.
 */
export async function deliverToRequester(services: { db: Db; queue: Pick<JobQueue, 'send'>; events: EventBus; logger: Logger }, request: { id: string; org_id: string; user_id: string | null }, published: { appId: string; versionId: string }): Promise<number> {
  if (!request.user_id) return 0;
  const settings = await getOrgSettings(services.db, request.org_id);
  const skipped = async (why: 'not-automatic' | 'no-workstation') => {
    await services.db.updateTable('requests').set({ delivery_skipped: why }).where('id', '=', request.id).execute();
    return 0;
  };
  if (!settings.distribution.deliverToRequester) return skipped('not-automatic');
  const recipients = await agentRecipients(services.db as any, request.org_id, { userIds: [request.user_id] });
  if (!recipients.length) return skipped('no-workstation');
  const deliveries = await queueDeliveries(services.db, services.queue, services.events, { orgId: request.org_id, ...published, recipients, requestedBy: request.user_id, resendUnstarted: true });
  services.logger.info({ requestId: request.id, deliveries: deliveries.length }, 'release queued for the requester’s agents');
  return deliveries.length;
}
