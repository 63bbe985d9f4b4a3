import type { Db } from '../../db/schema.js';
import type { EventBus } from '../events/event-bus.js';
import { recordDeploymentAndPublish } from './deployment-events.js';

/** One entry of an agent's heartbeat inventory: what runs there now. */
export interface InventoryEntry {
  name: string;
  version: string;
  state: 'healthy' | 'unhealthy' | 'stopped' | 'replaced';
}

/** Closed states a listed earlier version keeps: "rolled back" says more than "replaced". */
const CLOSED = ['rejected', 'rolled-back', 'removed'];

const STOPPED = { code: 'APP_STOPPED', message: 'The agent reports this app as stopped; Redeploy starts it again, and its log is on the workstation (marketplace-agent logs <app>).' };
const GONE = { code: 'APP_NOT_RUNNING', message: 'The agent no longer lists this version among the apps it runs; deploy it again if it should be there.' };

/**
 * Brings this agent's deployments in line with the inventory its heartbeat carries: each listed
 * version takes the state the agent sees (stopped shows as unhealthy), and a version the server
 * shows healthy but the agent no longer lists becomes unhealthy. Versions in flight (received,
 * deploying), closed ones (rejected, rolled-back, removed) and replaced ones keep their state.
 * Only real changes are recorded, so a steady heartbeat adds no history.
 */
export async function reconcileInventory(db: Db, events: EventBus, agent: { id: string; org_id: string }, inventory: InventoryEntry[]): Promise<number> {
  const rows = await db.selectFrom('deployments').select(['app', 'version', 'state']).where('agent_id', '=', agent.id).where('org_id', '=', agent.org_id).execute();
  const known = new Map(rows.map((row) => [`${row.app}@${row.version}`, row.state]));
  const listed = new Set<string>();
  let changes = 0;
  const record = async (app: string, version: string, state: 'healthy' | 'unhealthy' | 'replaced', reason?: { code: string; message: string }) => {
    await recordDeploymentAndPublish(db, events, { orgId: agent.org_id, agentId: agent.id, app, version, state, reason, source: 'heartbeat' });
    changes += 1;
  };
  for (const entry of inventory) {
    const key = `${entry.name}@${entry.version}`;
    listed.add(key);
    const state = entry.state === 'stopped' ? 'unhealthy' : entry.state;
    const before = known.get(key);
    if (before === state || (state === 'replaced' && before && CLOSED.includes(before))) continue;
    await record(entry.name, entry.version, state, entry.state === 'stopped' ? STOPPED : undefined);
  }
  for (const row of rows) {
    if (row.state !== 'healthy' || listed.has(`${row.app}@${row.version}`)) continue;
    await record(row.app, row.version, 'unhealthy', GONE);
  }
  return changes;
}
