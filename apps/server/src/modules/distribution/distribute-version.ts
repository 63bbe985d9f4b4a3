import type { JobQueue } from '@marketplace/db';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { AppError, NotFoundError } from '../../errors/app-error.js';
import type { AgentsService } from '../agents/agents-repository.js';
import { hasRole, type Principal } from '../auth/principal.js';
import type { EventBus } from '../events/event-bus.js';
import { membersOfGroups } from '../groups/groups-repository.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { queuedDeliverySchema, toQueuedDelivery } from './delivery-schema.js';
import { holdDistribution } from './distribution-approval.js';
import { findVersion } from './distribution-repository.js';
import { queueDeliveries } from './queue-deliveries.js';

/** `POST /apps/{id}/versions/{version}/distribute`: path and body; the MCP distribute tool takes both in one object. */
export const versionParamsSchema = z.object({ id: z.uuid({ message: 'must be a UUID' }), version: z.string().min(1).max(64) }).strict();
export const distributeBodySchema = z.object({ userIds: z.array(z.uuid()).max(500).optional(), groupIds: z.array(z.uuid()).max(100).optional(), agentIds: z.array(z.uuid()).max(500).optional(), all: z.boolean().optional() }).strict();
export const distributeResultSchema = z.object({ deliveries: z.array(queuedDeliverySchema), approvalId: z.string().optional().describe('Set when the organisation’s policy holds this distribution for a reviewer: nothing is sent until it is approved') });

export interface DistributeDeps {
  db: Db;
  config: Config;
  jobs: JobQueue | null;
  events: EventBus;
  agents: AgentsService;
  logger: Logger;
}

export interface Distributed {
  result: z.infer<typeof distributeResultSchema>;
  /** What the audit entry names: the version and how many agents it goes to (or the approval holding it). */
  audit: { targetType: 'app_version'; targetId: string; details: Record<string, unknown> };
}

/**
 * Send a published version to agents: the caller's own (default), or — for publishers — some users',
 * groups' or agents', or all. The organisation's policy may hold a distribution to others for a reviewer.
 */
export async function distributeVersion(deps: DistributeDeps, principal: Principal, params: z.infer<typeof versionParamsSchema>, body: z.infer<typeof distributeBodySchema>): Promise<Distributed> {
  const version = await findVersion(deps.db, principal.orgId, params.id, params.version);
  if (!version) throw new NotFoundError(`Version ${params.version} of app`, params.id);
  if (!deps.jobs) throw new AppError('JOBS_UNAVAILABLE', 503, 'The job queue is not running in this process; start the server with --role all or api.');
  const { agentIds, all, groupIds } = body;
  const userIds = groupIds?.length ? [...new Set([...(body.userIds ?? []), ...(await membersOfGroups(deps.db, principal.orgId, groupIds))])] : body.userIds;
  const forOthers = all || agentIds?.length || groupIds?.length || userIds?.some((id) => id !== principal.userId);
  if (forOthers && !hasRole(principal, 'publisher')) throw new AppError('ROLE_REQUIRED', 403, 'Sending to other people’s agents needs the publisher role; you can install on your own agents.');
  const selection = userIds || agentIds || all ? { ...(userIds ? { userIds } : {}), ...(agentIds ? { agentIds } : {}), ...(all ? { all } : {}) } : { userIds: principal.userId ? [principal.userId] : [] };
  const recipients = await deps.agents.recipients(principal.orgId, selection);
  if (!recipients.length) throw new AppError('NO_RECIPIENTS', 409, 'No enrolled agent matches: enrol one with `marketplace-agent enroll` (POST /api/v1/agents/enrollments gives the code), or choose other users or agents.');
  if (forOthers && (await getOrgSettings(deps.db, principal.orgId)).policy.distributeToOthers) {
    const held = await holdDistribution(deps, { orgId: principal.orgId, appId: version.app_id, versionId: version.id, version: version.version, selection, recipients: recipients.length, requestedBy: principal.userId });
    return { result: { deliveries: [], approvalId: held.id }, audit: { targetType: 'app_version', targetId: version.id, details: { version: version.version, recipients: recipients.length, held: 'APPROVAL_REQUIRED', approvalId: held.id } } };
  }
  // The same version to the same agent again is the same delivery (`existing`) unless it was removed there since.
  const deliveries = await queueDeliveries(deps.db, deps.jobs, deps.events, { orgId: principal.orgId, appId: version.app_id, versionId: version.id, recipients, requestedBy: principal.userId });
  return { result: { deliveries: deliveries.map(toQueuedDelivery) }, audit: { targetType: 'app_version', targetId: version.id, details: { version: version.version, recipients: recipients.length } } };
}
