import { z } from 'zod';
import type { Db } from '../../db/schema.js';
import { ForbiddenError, NotFoundError } from '../../errors/app-error.js';
import { hasRole, type Principal } from '../auth/principal.js';
import { openCommandsOf, requestCommand, requestLogs, type AgentCommand } from './agent-commands.js';
import { standingsOf } from './deployment-standing.js';
import { deploymentSchema, deploymentStateSchema, toDeployment, visibleDeployments } from './deployments-repository.js';
import type { AgentCommandType } from './deployments-tables.js';

/** `GET /deployments` query, and the MCP list tool's input. */
export const deploymentsQuerySchema = z
  .object({
    appId: z.uuid({ message: 'must be an app id (UUID)' }).optional(),
    app: z.string().max(48).optional(),
    agentId: z.uuid({ message: 'must be an agent id (UUID)' }).optional(),
    state: deploymentStateSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/** Deployments the caller may see (members: their own agents'; reviewers, publishers, admins: the organisation's), newest first. */
export async function listDeployments(db: Db, principal: Principal, query: z.infer<typeof deploymentsQuerySchema>): Promise<{ items: z.infer<typeof deploymentSchema>[] }> {
  let q = visibleDeployments(db, principal);
  const { appId, app: appName, agentId, state, limit } = query;
  if (appId) q = q.where('deployments.app_id', '=', appId);
  if (appName) q = q.where('deployments.app', '=', appName);
  if (agentId) q = q.where('deployments.agent_id', '=', agentId);
  if (state) q = q.where('deployments.state', '=', state);
  const rows = await q.orderBy('deployments.updated_at', 'desc').limit(limit).execute();
  const pending = await openCommandsOf(db, rows.map((row: any) => row.id));
  const standings = await standingsOf(db, rows as any[]);
  return { items: rows.map((row: any) => toDeployment(row, pending.get(row.id), standings.get(`${row.agent_id} ${row.app}`))) };
}

export interface QueuedCommand {
  command: AgentCommand;
  audit: { targetType: 'deployment'; targetId: string; details: Record<string, unknown> };
}

/**
 * Queue a rollback or removal of a deployment the caller may see, for the agent's owner, publishers and
 * admins. `onFound` receives the audit target as soon as the deployment is known, so a refusal names it too.
 */
export async function requestDeploymentCommand(db: Db, principal: Principal, id: string, type: Exclude<AgentCommandType, 'logs'>, onFound?: (audit: QueuedCommand['audit']) => void): Promise<QueuedCommand> {
  const row: any = await visibleDeployments(db, principal).where('deployments.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Deployment', id);
  const audit: QueuedCommand['audit'] = { targetType: 'deployment', targetId: row.id, details: { app: row.app, version: row.version, agentId: row.agent_id } };
  onFound?.(audit);
  const owner = principal.userId !== null && row.agent_user_id === principal.userId;
  if (!owner && !hasRole(principal, 'publisher')) throw new ForbiddenError(`Only the agent's owner, publishers and admins can ${type === 'remove' ? 'remove' : 'roll back'} a deployment.`, 'ROLE_REQUIRED');
  const { command, existing } = await requestCommand(db, row, type, principal.userId);
  audit.details = { ...audit.details, commandId: command.id, ...(existing ? { existing: true } : {}) };
  return { command, audit };
}

/**
 * Ask the agent of a deployment the caller may see for its app's latest log lines (anyone who sees the
 * deployment sees its tail). `agentLastSeenAt` says whether the agent can be expected to answer soon.
 */
export async function requestDeploymentLogs(db: Db, principal: Principal, id: string, onFound?: (audit: QueuedCommand['audit']) => void): Promise<QueuedCommand & { agentLastSeenAt: Date | null }> {
  const row: any = await visibleDeployments(db, principal).where('deployments.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Deployment', id);
  const audit: QueuedCommand['audit'] = { targetType: 'deployment', targetId: row.id, details: { app: row.app, version: row.version, agentId: row.agent_id } };
  onFound?.(audit);
  const { command, existing } = await requestLogs(db, row, principal.userId);
  audit.details = { ...audit.details, commandId: command.id, ...(existing ? { existing: true } : {}) };
  const agent = await db.selectFrom('agents').select('last_seen_at').where('id', '=', row.agent_id).executeTakeFirst();
  return { command, audit, agentLastSeenAt: agent?.last_seen_at ? new Date(agent.last_seen_at) : null };
}
