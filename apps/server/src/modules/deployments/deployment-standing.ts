import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * Where an app stands on one agent: the deployment it runs now (healthy or unhealthy, changed last;
 * earlier versions keep their last state when replaced) and the earlier version a rollback would go
 * back to (one that ran healthy there since the app was last removed), if any. Remove and rollback
 * act only on the current deployment; rollback only when `rollbackTo` is set.
 */
export interface AppStanding {
  currentId: string | null;
  currentVersion: string | null;
  rollbackTo: string | null;
}

const RUNNING = new Set(['healthy', 'unhealthy']);

export async function appStanding(db: Kysely<DB>, agentId: string, app: string): Promise<AppStanding> {
  const siblings = await db.selectFrom('deployments').select(['id', 'version', 'state', 'updated_at']).where('agent_id', '=', agentId).where('app', '=', app).orderBy('updated_at', 'desc').execute();
  const current = siblings.find((row) => RUNNING.has(row.state));
  if (!current) return { currentId: null, currentVersion: null, rollbackTo: null };
  // A version a newer one took over (`replaced`) stays a rollback target, as the agent keeps it.
  const others = siblings.filter((row) => row.id !== current.id && (RUNNING.has(row.state) || row.state === 'replaced'));
  let rollbackTo: string | null = null;
  if (others.length) {
    const lastRemoved = await db
      .selectFrom('deployment_events')
      .innerJoin('deployments', 'deployments.id', 'deployment_events.deployment_id')
      .select((eb) => eb.fn.max('deployment_events.at').as('at'))
      .where('deployments.agent_id', '=', agentId)
      .where('deployments.app', '=', app)
      .where('deployment_events.state', '=', 'removed')
      .executeTakeFirst();
    let q = db
      .selectFrom('deployment_events')
      .select('deployment_id')
      .where('deployment_id', 'in', others.map((row) => row.id))
      .where('state', '=', 'healthy');
    if (lastRemoved?.at) q = q.where('at', '>', lastRemoved.at as Date);
    const ran = new Set((await q.execute()).map((row) => row.deployment_id));
    rollbackTo = others.find((row) => ran.has(row.id))?.version ?? null;
  }
  return { currentId: current.id, currentVersion: current.version, rollbackTo };
}

/** The standing of every (agent, app) among the given deployment rows, keyed `agentId app`. */
export async function standingsOf(db: Kysely<DB>, rows: { agent_id: string; app: string }[]): Promise<Map<string, AppStanding>> {
  const map = new Map<string, AppStanding>();
  for (const row of rows) {
    const key = `${row.agent_id} ${row.app}`;
    if (!map.has(key)) map.set(key, await appStanding(db, row.agent_id, row.app));
  }
  return map;
}
