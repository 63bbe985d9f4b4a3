import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/schema.js';
import { findAgentByClient } from '../agents/agents-repository.js';
import { appendAudit } from '../audit/audit-repository.js';
import { findAgentDeployment } from '../deployments/deployments-repository.js';
import type { AppToolCall } from './app-tool-calls.js';

/** A call refused over MCP_APP_CALLS_PER_MINUTE: who forwarded it (the agent's client) and what it asked. */
export interface LimitedAppCall {
  clientRowId: string;
  orgId: string;
  call: Pick<AppToolCall, 'app' | 'version' | 'server' | 'tool' | 'use'> & { arguments?: Record<string, unknown> };
}

export interface LimitedAppCallsAudit {
  /** Count one refused call; the promise settles when the entry it is due (the window's first) is written — callers may leave it in the background. */
  refused(limited: LimitedAppCall): Promise<void>;
  /** Write what is still counted and wait for every entry being written (on server close). */
  close(): Promise<void>;
}

/** Distinct names (`server/tool`, or `app@version`) kept in one summary entry. */
const MAX_NAMES_PER_ENTRY = 20;

/**
 * Which refusals are bounded: calls over the per-deployment limit (429, counted per deployment, the
 * tools named), or calls naming a deployment the agent does not have (404, counted per agent
 * credential whatever app name it gives, the names given listed — a made-up name per call would
 * otherwise be an audit entry per call).
 */
export type BoundedRefusal = 'over-limit' | 'unknown-deployment';

interface Window {
  first: LimitedAppCall;
  startedAt: number;
  /** refusals after the first one in this window */
  later: number;
  names: Set<string>;
  timer: NodeJS.Timeout;
}

/**
 * With `refusal: 'unknown-deployment'` the same bound applies per agent credential to calls naming a
 * deployment the agent does not have (`404 MCP_DEPLOYMENT_UNKNOWN`), the app names listed (`apps`).
 *
 * Audits the calls refused over the per-deployment limit (`429 MCP_APP_CALLS_LIMITED`) as
 * `mcp.tool.call`, result denied, like every other refused call — but bounded (decision 0067): per
 * deployment (agent credential, app, version) the first refusal is written at once, with its server
 * and tool; the refusals that follow within `windowMs` are counted and written as one entry when the
 * window ends (`refused: n`, the tools they named). So a looping app adds at most two entries a
 * window per server process, however fast it calls.
 */
export function createLimitedAppCallsAudit(deps: { db: Db; log: FastifyBaseLogger }, options: { windowMs: number; limit: number; refusal?: BoundedRefusal; now?: () => number }): LimitedAppCallsAudit {
  const now = options.now ?? Date.now;
  const overLimit = (options.refusal ?? 'over-limit') === 'over-limit';
  const code = overLimit ? 'MCP_APP_CALLS_LIMITED' : 'MCP_DEPLOYMENT_UNKNOWN';
  const open = new Map<string, Window>();
  const writing = new Set<Promise<void>>();

  const write = (limited: LimitedAppCall, summary: { refused: number; from: number; to: number; names: string[] }): Promise<void> => {
    const { orgId, clientRowId, call } = limited;
    const pending = (async () => {
      const agent = await findAgentByClient(deps.db, clientRowId, orgId);
      const deployment = agent && overLimit ? await findAgentDeployment(deps.db, orgId, agent.id, call.app, call.version) : undefined;
      await appendAudit(deps.db, {
        orgId, actorType: 'agent', actorId: agent?.id ?? null, requestId: null, action: 'mcp.tool.call', targetType: 'deployment', targetId: deployment?.id ?? null, result: 'denied', statusCode: overLimit ? 429 : 404,
        details: {
          server: call.server, tool: call.tool, purpose: 'automation', app: call.app, version: call.version, use: call.use, deploymentId: deployment?.id ?? null,
          ...(call.arguments ? { argumentNames: Object.keys(call.arguments).slice(0, 50) } : {}),
          outcome: 'denied', code, ...(overLimit ? { limitPerMinute: options.limit } : {}),
          refused: summary.refused, [overLimit ? 'tools' : 'apps']: summary.names, from: new Date(summary.from).toISOString(), to: new Date(summary.to).toISOString(),
        },
      });
    })()
      .catch((error: unknown) => deps.log.warn({ err: error, app: call.app, version: call.version, code }, 'could not audit refused MCP calls'))
      .finally(() => writing.delete(pending));
    writing.add(pending);
    return pending;
  };

  const end = (key: string) => {
    const window = open.get(key);
    if (!window) return;
    open.delete(key);
    clearTimeout(window.timer);
    if (window.later > 0) {
      // the arguments of many calls are not one call's: the summary names the tools only
      const { arguments: _names, ...call } = window.first.call;
      void write({ ...window.first, call }, { refused: window.later, from: window.startedAt, to: now(), names: [...window.names] });
    }
  };

  return {
    refused(limited) {
      const { orgId, clientRowId, call } = limited;
      const key = JSON.stringify(overLimit ? [orgId, clientRowId, call.app, call.version] : [orgId, clientRowId]);
      const name = overLimit ? `${call.server}/${call.tool}` : `${call.app}@${call.version}`;
      const window = open.get(key);
      if (window) {
        window.later += 1;
        if (window.names.size < MAX_NAMES_PER_ENTRY) window.names.add(name);
        return Promise.resolve();
      }
      const startedAt = now();
      const timer = setTimeout(() => end(key), options.windowMs);
      timer.unref();
      open.set(key, { first: limited, startedAt, later: 0, names: new Set(), timer });
      return write(limited, { refused: 1, from: startedAt, to: startedAt, names: [name] });
    },
    async close() {
      for (const key of [...open.keys()]) end(key);
      await Promise.all([...writing]);
    },
  };
}
