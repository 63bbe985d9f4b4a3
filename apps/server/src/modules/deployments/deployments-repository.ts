import { inTransaction } from '../../db/in-transaction.js';
import type { Db } from '../../db/schema.js';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DEPLOYMENT_STATES, appUrlSchema } from '@marketplace/mail';
import { NotFoundError } from '../../errors/app-error.js';
import { iso } from '../../http/responses.js';
import { relayedNoticeSchema } from '../../http/notice.js';
import { hasRole, type Principal } from '../auth/principal.js';

export const deploymentStateSchema = z.enum(DEPLOYMENT_STATES);
export const reasonSchema = z
  .object({
    code: z.string().min(1).max(64),
    message: z.string().max(2000),
    notices: z.array(relayedNoticeSchema).max(4).optional().describe('The message as notices (deployment.*, health.*), worded by the UI in the reader’s language, in order'),
  })
  .strict();
export const healthSchema = z
  .object({
    ok: z.boolean(),
    detail: z.string().max(500).optional(),
    notice: relayedNoticeSchema.optional().describe('detail as a code and parameters (health.answered, health.failed, health.timedOut)'),
    latencyMs: z.number().min(0).max(3_600_000).optional(),
    at: z.string().max(40).optional(),
    url: appUrlSchema.optional().describe('Where the app answers on its workstation, reported once healthy'),
  })
  .strict();

export interface DeploymentReport {
  orgId: string;
  agentId: string;
  app: string;
  version: string;
  state: z.infer<typeof deploymentStateSchema>;
  reason?: z.infer<typeof reasonSchema> | undefined;
  health?: z.infer<typeof healthSchema> | undefined;
  logTail?: string | undefined;
  appId?: string | undefined;
  /** When the report names its deployment, it must be this agent's. */
  deploymentId?: string | undefined;
  source: 'http' | 'mail' | 'server' | 'heartbeat';
  at?: Date | undefined;
}

/**
 * The reason code of a Redeploy whose fresh copy did not start or become healthy while the copy
 * installed before serves again: the agent reports that version `healthy` (or `unhealthy` when the
 * copy put back does not answer either) with this code, and the attempt joins the history.
 */
export const REINSTALL_FAILED = 'REINSTALL_FAILED';

/**
 * How an agent before REINSTALL_FAILED reported a failed Redeploy: `rolled-back` of the very version
 * it says keeps serving (a real roll back or failed upgrade names another version).
 */
export function isOlderAgentsFailedReinstall(report: Pick<DeploymentReport, 'state' | 'version' | 'reason'>): boolean {
  return (
    report.state === 'rolled-back' &&
    (report.reason?.code === 'HEALTH_CHECK_FAILED' || report.reason?.code === 'START_FAILED') &&
    (report.reason.notices ?? []).some((entry) => entry.code === 'deployment.keepsServing' && entry.params.version === report.version)
  );
}

/** The most of a log tail the server keeps per deployment (the agent sends at most its own bound, 8 KB). */
export const LOG_TAIL_MAX = 16_384;

/**
 * Records one state change: the deployment row (agent × app × version) takes the new state, and
 * the change joins its history. The app id is the catalog's app of that name, or the one linked before.
 * `changed` is false when the report only joined the history (a healthy version received again).
 */
export async function recordDeployment(db: Db, sent: DeploymentReport): Promise<{ id: string; changed: boolean }> {
  // an older agent's failed Redeploy: the version that serves again is recorded as serving, the attempt in its history
  const olderReinstall = isOlderAgentsFailedReinstall(sent);
  const report: DeploymentReport = olderReinstall ? { ...sent, state: 'healthy', reason: { ...sent.reason!, code: REINSTALL_FAILED } } : sent;
  return inTransaction(db, async (trx) => {
    let row: { id: string } | undefined;
    if (report.deploymentId) {
      row = await trx.selectFrom('deployments').select('id').where('id', '=', report.deploymentId).where('org_id', '=', report.orgId).where('agent_id', '=', report.agentId).executeTakeFirst();
      if (!row) throw new NotFoundError('Deployment', report.deploymentId);
    }
    // The agent knows the app by name: the organisation's catalog entry of that name is its app.
    const appId =
      report.appId ??
      (await trx.selectFrom('apps').select('id').where('org_id', '=', report.orgId).where('name', '=', report.app).executeTakeFirst())?.id ??
      (await trx.selectFrom('deployments').select('app_id').where('org_id', '=', report.orgId).where('app', '=', report.app).where('app_id', 'is not', null).limit(1).executeTakeFirst())?.app_id ??
      null;
    const at = report.at ?? new Date();
    // The same release arriving again (a resend, a duplicate) is history, not news: a version that
    // runs healthy stays healthy when a second copy is received and refused.
    const existing = await trx.selectFrom('deployments').select(['id', 'state']).where('agent_id', '=', report.agentId).where('app', '=', report.app).where('version', '=', report.version).executeTakeFirst();
    if (existing?.state === 'healthy' && (report.state === 'received' || report.state === 'rejected')) {
      await trx
        .insertInto('deployment_events')
        .values({ id: randomUUID(), deployment_id: existing.id, state: report.state, reason: report.reason ? JSON.stringify(report.reason) : null, health: null, source: report.source, at })
        .execute();
      return { id: existing.id as string, changed: false };
    }
    const values = {
      state: report.state,
      reason: report.reason ? JSON.stringify(report.reason) : null,
      health: report.health ? JSON.stringify(report.health) : null,
      updated_at: at,
    };
    // the older agent's health is the failed copy's: the history keeps it, the row does not take it
    const rowValues = olderReinstall ? { state: values.state, reason: values.reason, updated_at: at } : values;
    // the latest tail the agent sent is kept until it sends another (reports without one keep it)
    const logTail = report.logTail ? { log_tail: report.logTail.slice(-LOG_TAIL_MAX), log_tail_at: at } : {};
    const saved = await trx
      .insertInto('deployments')
      .values({ id: randomUUID(), org_id: report.orgId, agent_id: report.agentId, app_id: appId, app: report.app, version: report.version, ...rowValues, ...logTail })
      .onConflict((oc) => oc.columns(['agent_id', 'app', 'version']).doUpdateSet({ ...rowValues, ...logTail, ...(appId ? { app_id: appId } : {}) }))
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('deployment_events')
      .values({ id: randomUUID(), deployment_id: saved.id, state: report.state, reason: values.reason, health: values.health, source: report.source, at })
      .execute();
    return { id: saved.id as string, changed: true };
  });
}

export const deploymentSchema = z
  .object({
    id: z.string(),
    appId: z.string().nullable(),
    app: z.string(),
    version: z.string(),
    agentId: z.string(),
    state: deploymentStateSchema,
    health: healthSchema.nullable(),
    reason: reasonSchema.nullable(),
    updatedAt: z.string(),
    appTitle: z.string().nullable().describe('The catalog title, when the deployment is linked to a catalog app'),
    agentName: z.string(),
    pendingCommand: z.object({ id: z.string(), type: z.enum(['rollback', 'remove']), state: z.enum(['queued', 'sent']) }).nullable().describe('A rollback or remove asked for and not yet done by the agent'),
    current: z.boolean().describe('This is the version the agent runs now: remove (and rollback, when rollbackTo is set) act on it'),
    rollbackTo: z.string().nullable().describe('The kept earlier version a rollback goes back to; null when there is none (rollback is refused)'),
  })
  .meta({ id: 'Deployment' });

/**
 * Deployments the caller may see (members: their own agents'; reviewers, publishers and admins: the
 * organisation's), with the agent's name and owner and the catalog title.
 */
export function visibleDeployments(db: Db, principal: Principal) {
  let q = db
    .selectFrom('deployments')
    .innerJoin('agents', 'agents.id', 'deployments.agent_id')
    .leftJoin('apps', (join) => join.onRef('apps.id', '=', 'deployments.app_id').onRef('apps.org_id', '=', 'deployments.org_id'))
    .selectAll('deployments')
    .select(['agents.name as agent_name', 'agents.user_id as agent_user_id', 'apps.title as app_title'])
    .where('deployments.org_id', '=', principal.orgId);
  if (!hasRole(principal, 'reviewer') && !hasRole(principal, 'publisher')) q = q.where('agents.user_id', '=', principal.userId ?? '00000000-0000-0000-0000-000000000000');
  return q;
}

export const toDeployment = (row: any, pending: { id: string; type: 'rollback' | 'remove' | 'logs'; state: string } | undefined = undefined, standing: { currentId: string | null; rollbackTo: string | null } | undefined = undefined): z.infer<typeof deploymentSchema> => ({
  id: row.id,
  appId: row.app_id ?? null,
  app: row.app,
  version: row.version,
  agentId: row.agent_id,
  state: row.state,
  health: row.health ?? null,
  reason: row.reason ?? null,
  updatedAt: iso(row.updated_at),
  appTitle: row.app_title ?? null,
  agentName: row.agent_name,
  pendingCommand: pending && pending.type !== 'logs' ? { id: pending.id, type: pending.type, state: pending.state as 'queued' | 'sent' } : null,
  current: standing?.currentId === row.id,
  rollbackTo: standing && standing.currentId === row.id ? standing.rollbackTo : null,
});

/** The state changes of one deployment, oldest first (at most 1000). */
export function deploymentEvents(db: Db, deploymentId: string) {
  return db.selectFrom('deployment_events').selectAll().where('deployment_id', '=', deploymentId).orderBy('at').limit(1000).execute();
}

/** The catalog's published version a deployment runs, if the catalog has it. */
export function findCatalogVersion(db: Db, orgId: string, appId: string, version: string) {
  return db.selectFrom('app_versions').select(['id', 'app_id']).where('org_id', '=', orgId).where('app_id', '=', appId).where('version', '=', version).executeTakeFirst();
}

/** The states in which a deployed version runs on its workstation (deploying: started, health not yet known). */
export const LIVE_DEPLOYMENT_STATES = ['deploying', 'healthy', 'unhealthy'] as const;

/** This agent's deployment of `app` at `version`, with its state (whatever it is). */
export function findAgentDeployment(db: Db, orgId: string, agentId: string, app: string, version: string) {
  return db.selectFrom('deployments').select(['id', 'app_id', 'state']).where('org_id', '=', orgId).where('agent_id', '=', agentId).where('app', '=', app).where('version', '=', version).executeTakeFirst();
}
