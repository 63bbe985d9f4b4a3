import type { JobQueue } from '@marketplace/db';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import type { EventBus } from '../events/event-bus.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { holdDistribution } from './distribution-approval.js';
import { queueDeliveries } from './queue-deliveries.js';

/** Deployment states of an app that is installed on an agent now (not removed, rolled back, rejected or replaced). */
const INSTALLED = ['received', 'deploying', 'healthy', 'unhealthy'] as const;

/**
 * After a new version of an app is published it goes to every agent that runs an earlier version of it —
 * an update of what each agent's user installed — as `distribute` to those agents would send it (org
 * setting `distribution.updateInstalls`, on by default). Agents of the requester are left to
 * `deliverToRequester`. When the policy reviews releases sent to other people's workstations
 * (`policy.distributeToOthers`), the update waits for a reviewer like any such distribution.
 * Safe to run again: each agent gets the version once. Answers the number of agents it went to (or waits for).
 */
export async function updateInstalls(
  services: { db: Db; config: Config; queue: Pick<JobQueue, 'send'>; events: EventBus; logger: Logger },
  request: { id: string; org_id: string; user_id: string | null },
  published: { appId: string; versionId: string },
): Promise<number> {
  const { db } = services;
  const settings = await getOrgSettings(db, request.org_id);
  if (!settings.distribution.updateInstalls) return 0;
  let installed = db
    .selectFrom('deployments')
    .innerJoin('agents', 'agents.id', 'deployments.agent_id')
    .select(['agents.id as agentId', 'agents.user_id as userId', 'agents.mailbox as mailbox'])
    .distinct()
    .where('deployments.org_id', '=', request.org_id)
    .where('deployments.app_id', '=', published.appId)
    .where('deployments.state', 'in', INSTALLED)
    .where('agents.revoked_at', 'is', null);
  if (request.user_id) installed = installed.where('agents.user_id', '!=', request.user_id);
  const recipients = await installed.execute();
  if (!recipients.length) return 0;
  if (settings.policy.distributeToOthers) {
    const version = await db.selectFrom('app_versions').select('version').where('id', '=', published.versionId).executeTakeFirstOrThrow();
    const held = await holdDistribution(services, { orgId: request.org_id, appId: published.appId, versionId: published.versionId, version: version.version, selection: { agentIds: recipients.map((r) => r.agentId) }, recipients: recipients.length, requestedBy: request.user_id });
    services.logger.info({ requestId: request.id, agents: recipients.length, approvalId: held.id }, 'the update of the app’s installs waits for a reviewer');
    return recipients.length;
  }
  const deliveries = await queueDeliveries(db, services.queue, services.events, { orgId: request.org_id, ...published, recipients, requestedBy: request.user_id, resendUnstarted: true });
  services.logger.info({ requestId: request.id, deliveries: deliveries.length }, 'release queued for the agents that run an earlier version');
  return deliveries.length;
}
