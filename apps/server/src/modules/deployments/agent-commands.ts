import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import { AGENT_COMMAND_STATES, AGENT_COMMAND_TYPES, type AgentCommandType } from './deployments-tables.js';
import { ConflictError, NotFoundError } from '../../errors/app-error.js';
import { iso } from '../../http/responses.js';
import { appStanding } from './deployment-standing.js';
import { LOG_TAIL_MAX, reasonSchema } from './deployments-repository.js';

/** A command not closed this long after it was sent is sent again (the agent may have crashed running it). */
export const COMMAND_RESEND_AFTER_MS = 5 * 60_000;
/** Sent this many times without an answer: the command fails with COMMAND_UNANSWERED. */
export const COMMAND_MAX_ATTEMPTS = 5;
const OPEN_STATES = ['queued', 'sent'] as const;

export const commandSchema = z
  .object({
    id: z.string(),
    type: z.enum(AGENT_COMMAND_TYPES),
    state: z.enum(AGENT_COMMAND_STATES),
    deploymentId: z.string(),
    reason: reasonSchema.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'AgentCommand' });
export type AgentCommand = z.infer<typeof commandSchema>;

/** What the agent receives: enough to act without another look-up. */
export const agentCommandSchema = z.object({ id: z.string(), type: z.enum(AGENT_COMMAND_TYPES), app: z.string(), version: z.string(), deploymentId: z.string() }).meta({ id: 'AgentCommandToRun' });

type CommandRow = { id: string; type: AgentCommandType; state: AgentCommand['state']; deployment_id: string; reason: unknown; created_at: Date | string; updated_at: Date | string };
export const toCommand = (row: CommandRow): AgentCommand => ({
  id: row.id,
  type: row.type,
  state: row.state,
  deploymentId: row.deployment_id,
  reason: (row.reason as AgentCommand['reason']) ?? null,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

interface DeploymentRow {
  id: string;
  org_id: string;
  agent_id: string;
  app: string;
  version: string;
  state: string;
}

/**
 * Queues a rollback or remove of one deployment for its agent. Asking again for the same thing while
 * it is still open answers the open command (a double click is one command); a different open
 * command for the same app on that agent is a 409.
 */
export async function requestCommand(db: Kysely<DB>, deployment: DeploymentRow, type: Exclude<AgentCommandType, 'logs'>, requestedBy: string | null): Promise<{ command: AgentCommand; existing: boolean }> {
  return db.transaction().execute(async (trx) => {
    // one writer per agent and app at a time, so two clicks cannot both queue a command
    await sql`SELECT id FROM agents WHERE id = ${deployment.agent_id} FOR UPDATE`.execute(trx);
    const open = await trx
      .selectFrom('agent_commands')
      .innerJoin('deployments', 'deployments.id', 'agent_commands.deployment_id')
      .selectAll('agent_commands')
      .where('agent_commands.agent_id', '=', deployment.agent_id)
      .where('deployments.app', '=', deployment.app)
      .where('agent_commands.state', 'in', OPEN_STATES)
      .where('agent_commands.type', '!=', 'logs')
      .orderBy('agent_commands.created_at', 'desc')
      .executeTakeFirst();
    if (open) {
      if (open.type === type && open.deployment_id === deployment.id) return { command: toCommand(open as CommandRow), existing: true };
      throw new ConflictError(`A ${open.type} of ${deployment.app} is already waiting for its agent (command ${open.id}, ${open.state}); wait until it is done, then try again.`, 'COMMAND_PENDING', { command: toCommand(open as CommandRow) });
    }
    await assertActionable(trx, deployment, type);
    const row = await trx
      .insertInto('agent_commands')
      .values({ id: randomUUID(), org_id: deployment.org_id, agent_id: deployment.agent_id, deployment_id: deployment.id, type, state: 'queued', requested_by: requestedBy })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { command: toCommand(row), existing: false };
  });
}

/**
 * A command acts on the version the agent runs now: that is the deployment of this app on this agent
 * that is healthy or unhealthy and changed last (earlier versions are `replaced` once the agent's
 * heartbeat says so). A rollback also needs an earlier version that ran there since the app was last removed.
 */
async function assertActionable(db: Kysely<DB>, deployment: DeploymentRow, type: Exclude<AgentCommandType, 'logs'>): Promise<void> {
  if (deployment.state === 'removed') throw new ConflictError(`${deployment.app} ${deployment.version} was already removed from this agent; there is nothing to ${type === 'remove' ? 'remove' : 'roll back'}.`, 'DEPLOYMENT_REMOVED');
  const standing = await appStanding(db, deployment.agent_id, deployment.app);
  if (standing.currentId !== deployment.id) {
    const now = standing.currentVersion ? `${standing.currentVersion} is the version it runs now` : 'no version of it runs there now';
    throw new ConflictError(`${deployment.app} ${deployment.version} is ${deployment.state} on this agent and not the version it runs (${now}); ${type === 'remove' ? 'remove' : 'roll back'} the running version's deployment instead.`, 'DEPLOYMENT_NOT_CURRENT');
  }
  if (type === 'rollback' && !standing.rollbackTo) throw new ConflictError(`No earlier version of ${deployment.app} has run on this agent since it was installed there, so there is nothing to roll back to; deploy the version you want instead.`, 'NO_EARLIER_VERSION');
}

/**
 * What an agent that does not say which commands it runs gets: an agent from before `logs` ran any other
 * command type as a rollback, so it must never be sent one.
 */
export const LEGACY_COMMAND_TYPES: readonly AgentCommandType[] = ['rollback', 'remove'];
export const commandTypesSchema = z.array(z.enum(AGENT_COMMAND_TYPES, { message: `must be command types among ${AGENT_COMMAND_TYPES.join(', ')}` })).max(AGENT_COMMAND_TYPES.length * 2);

/**
 * The commands an agent should run now (of the types it runs): queued ones, and sent ones it never closed within
 * COMMAND_RESEND_AFTER_MS. They are marked sent; one sent COMMAND_MAX_ATTEMPTS times fails instead.
 */
export async function takeCommands(db: Kysely<DB>, agentId: string, types: readonly AgentCommandType[] = LEGACY_COMMAND_TYPES, now = new Date()): Promise<z.infer<typeof agentCommandSchema>[]> {
  if (!types.length) return [];
  const staleBefore = new Date(now.getTime() - COMMAND_RESEND_AFTER_MS);
  const due = (eb: any) => eb.and([eb('type', 'in', types), eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'sent'), eb('updated_at', '<', staleBefore)])])]);
  await db
    .updateTable('agent_commands')
    .set({ state: 'failed', updated_at: now, reason: JSON.stringify({ code: 'COMMAND_UNANSWERED', message: `The agent did not confirm this command after ${COMMAND_MAX_ATTEMPTS} deliveries; check that the agent runs (marketplace-agent doctor), then ask again.` }) })
    .where('agent_id', '=', agentId)
    .where('state', '=', 'sent')
    .where('updated_at', '<', staleBefore)
    .where('attempts', '>=', COMMAND_MAX_ATTEMPTS)
    .execute();
  const taken = await db
    .updateTable('agent_commands')
    .set((eb) => ({ state: 'sent', updated_at: now, attempts: eb('attempts', '+', 1) }))
    .where('agent_id', '=', agentId)
    .where(due)
    .returning(['id', 'type', 'deployment_id', 'created_at'])
    .execute();
  if (!taken.length) return [];
  const deployments = await db.selectFrom('deployments').select(['id', 'app', 'version']).where('id', 'in', taken.map((row) => row.deployment_id)).execute();
  const byId = new Map(deployments.map((row: any) => [row.id as string, row as { app: string; version: string }]));
  return taken
    .sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime())
    .flatMap((row) => {
      const target = byId.get(row.deployment_id);
      return target ? [{ id: row.id, type: row.type, app: target.app, version: target.version, deploymentId: row.deployment_id }] : [];
    });
}

/**
 * The agent's answer. Closing a closed command again changes nothing (the agent may resend after a crash).
 * A done `logs` command brings the app's latest log lines: they become the deployment's tail (`tailSaved`).
 */
export async function closeCommand(
  db: Kysely<DB>,
  agentId: string,
  id: string,
  outcome: { state: 'done' | 'failed'; reason?: { code: string; message: string } | undefined; logTail?: string | undefined },
): Promise<AgentCommand & { tailSaved?: boolean }> {
  const closed = await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('agent_commands')
      .set({ state: outcome.state, reason: outcome.reason ? JSON.stringify(outcome.reason) : null, updated_at: new Date() })
      .where('id', '=', id)
      .where('agent_id', '=', agentId)
      .where('state', 'in', OPEN_STATES)
      .returningAll()
      .executeTakeFirst();
    if (!row || row.type !== 'logs' || outcome.state !== 'done' || outcome.logTail === undefined) return row && { row, tailSaved: false };
    await trx.updateTable('deployments').set({ log_tail: outcome.logTail.slice(-LOG_TAIL_MAX), log_tail_at: new Date() }).where('id', '=', row.deployment_id).where('agent_id', '=', agentId).execute();
    return { row, tailSaved: true };
  });
  if (closed) return { ...toCommand(closed.row), tailSaved: closed.tailSaved };
  const row = await db.selectFrom('agent_commands').selectAll().where('id', '=', id).where('agent_id', '=', agentId).executeTakeFirst();
  if (!row) throw new NotFoundError('Command', id);
  return toCommand(row);
}

/** The open rollback or remove of each deployment (newest first when there were several); a logs request changes nothing there. */
export async function openCommandsOf(db: Kysely<DB>, deploymentIds: string[]): Promise<Map<string, AgentCommand>> {
  const map = new Map<string, AgentCommand>();
  if (!deploymentIds.length) return map;
  const rows = await db.selectFrom('agent_commands').selectAll().where('deployment_id', 'in', deploymentIds).where('state', 'in', OPEN_STATES).where('type', '!=', 'logs').orderBy('created_at', 'asc').execute();
  for (const row of rows) map.set(row.deployment_id, toCommand(row));
  return map;
}

/** The latest 100 commands about one deployment, oldest first. */
export async function commandsOf(db: Kysely<DB>, deploymentId: string): Promise<AgentCommand[]> {
  return (await db.selectFrom('agent_commands').selectAll().where('deployment_id', '=', deploymentId).orderBy('created_at', 'desc').limit(100).execute()).reverse().map(toCommand);
}

/**
 * Asks the deployment's agent for the latest lines of its app's log. Asking again while a request is
 * open answers that request (the agent sends one tail for both); it does not wait for rollbacks or removals.
 */
export async function requestLogs(db: Kysely<DB>, deployment: DeploymentRow, requestedBy: string | null): Promise<{ command: AgentCommand; existing: boolean }> {
  if (deployment.state === 'removed') throw new ConflictError(`${deployment.app} ${deployment.version} was removed from this agent; its log is no longer kept there.`, 'DEPLOYMENT_REMOVED');
  return db.transaction().execute(async (trx) => {
    await sql`SELECT id FROM agents WHERE id = ${deployment.agent_id} FOR UPDATE`.execute(trx);
    const open = await trx.selectFrom('agent_commands').selectAll().where('deployment_id', '=', deployment.id).where('type', '=', 'logs').where('state', 'in', OPEN_STATES).executeTakeFirst();
    if (open) return { command: toCommand(open), existing: true };
    const row = await trx
      .insertInto('agent_commands')
      .values({ id: randomUUID(), org_id: deployment.org_id, agent_id: deployment.agent_id, deployment_id: deployment.id, type: 'logs', state: 'queued', requested_by: requestedBy })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { command: toCommand(row), existing: false };
  });
}
