import type { Db } from '../../db/schema.js';
import type { EventBus } from '../events/event-bus.js';
import { recordDeployment, toDeployment, type DeploymentReport } from './deployments-repository.js';

/**
 * Records a deployment report (recordDeployment) and, when the row changed, tells the agent's owner
 * and the organisation's admins, publishers and reviewers (event `deployment`).
 */
export async function recordDeploymentAndPublish(db: Db, events: EventBus, report: DeploymentReport): Promise<{ id: string }> {
  const saved = await recordDeployment(db, report);
  if (saved.changed) await publishDeployment(db, events, saved.id);
  return { id: saved.id };
}

export async function publishDeployment(db: Db, events: EventBus, deploymentId: string): Promise<void> {
  const row = await db
    .selectFrom('deployments')
    .innerJoin('agents', 'agents.id', 'deployments.agent_id')
    .select(['deployments.id', 'deployments.org_id', 'deployments.app_id', 'deployments.app', 'deployments.version', 'deployments.agent_id', 'deployments.state', 'deployments.health', 'deployments.reason', 'deployments.updated_at', 'agents.user_id'])
    .where('deployments.id', '=', deploymentId)
    .executeTakeFirst();
  if (!row) return;
  const { id, appId, app, version, agentId, state, health, updatedAt } = toDeployment(row);
  const data = { id, appId, app, version, agentId, state, health, updatedAt };
  events.publish({ orgId: row.org_id, type: 'deployment', data, audience: { userId: row.user_id, roles: ['admin', 'publisher', 'reviewer'] } });
}

export interface DeploymentsService {
  record(report: Omit<DeploymentReport, 'source'> & { source?: DeploymentReport['source'] }): Promise<{ id: string }>;
}

/** Deployments the server itself records (source 'server' unless said otherwise). */
export const createDeploymentsService = (db: Db, events: EventBus): DeploymentsService => ({
  record: (report) => recordDeploymentAndPublish(db, events, { source: 'server', ...report }),
});
