import type { Db } from '../../db/schema.js';
import type { EventBus, OrgEvent } from '../events/event-bus.js';
import { withEvents } from '../events/events-repository.js';
import { recordDeployment, toDeployment, type DeploymentReport } from './deployments-repository.js';

/**
 * Records a deployment report (recordDeployment) and, when the row changed, tells the agent's owner
 * and the organisation's admins, publishers and reviewers (event `deployment`), written in the
 * report's own transaction (the outbox), so integrations hear of every change that committed.
 */
export async function recordDeploymentAndPublish(db: Db, events: EventBus, report: DeploymentReport): Promise<{ id: string }> {
  return withEvents(db, events, async (trx, emit) => {
    const saved = await recordDeployment(trx, report);
    if (saved.changed) await emit(await deploymentEvent(trx, saved.id));
    return { id: saved.id };
  });
}

/** The event `deployment` of a deployment as it now stands (read with `db`: inside a transaction, its change); null when it is gone. */
export async function deploymentEvent(db: Db, deploymentId: string): Promise<OrgEvent | null> {
  const row = await db
    .selectFrom('deployments')
    .innerJoin('agents', 'agents.id', 'deployments.agent_id')
    .select(['deployments.id', 'deployments.org_id', 'deployments.app_id', 'deployments.app', 'deployments.version', 'deployments.agent_id', 'deployments.state', 'deployments.health', 'deployments.reason', 'deployments.updated_at', 'agents.user_id'])
    .where('deployments.id', '=', deploymentId)
    .executeTakeFirst();
  if (!row) return null;
  const { id, appId, app, version, agentId, state, health, updatedAt } = toDeployment(row);
  const data = { id, appId, app, version, agentId, state, health, updatedAt };
  return { orgId: row.org_id, type: 'deployment', data, audience: { userId: row.user_id, roles: ['admin', 'publisher', 'reviewer'] } };
}

export interface DeploymentsService {
  record(report: Omit<DeploymentReport, 'source'> & { source?: DeploymentReport['source'] }): Promise<{ id: string }>;
}

/** Deployments the server itself records (source 'server' unless said otherwise). */
export const createDeploymentsService = (db: Db, events: EventBus): DeploymentsService => ({
  record: (report) => recordDeploymentAndPublish(db, events, { source: 'server', ...report }),
});
