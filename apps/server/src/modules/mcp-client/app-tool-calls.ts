import { mcpToolUseSchema, type McpToolUse } from '@marketplace/spec';
import { z } from 'zod';
import type { Db } from '../../db/schema.js';
import { ForbiddenError, isAppError } from '../../errors/app-error.js';
import { findAgentByClient } from '../agents/agents-repository.js';
import { appendAudit } from '../audit/audit-repository.js';
import { findVersionRow } from '../catalog/catalog-repository.js';
import { findAgentDeployment, LIVE_DEPLOYMENT_STATES } from '../deployments/deployments-repository.js';
import { McpClientError } from './mcp-client-error.js';
import type { McpClientService } from './mcp-client-service.js';
import type { LimitedAppCallsAudit } from './limited-app-calls.js';
import type { McpToolAnswer } from './mcp-connection.js';

/** What an agent forwards for one of its apps: which deployment (app and version on this agent) calls which declared tool. */
export interface AppToolCall {
  app: string;
  version: string;
  server: string;
  tool: string;
  use: McpToolUse['use'];
  arguments: Record<string, unknown>;
}

const declaredTools = z.array(mcpToolUseSchema).catch([]);

/**
 * A deployed app's call of an MCP tool, forwarded by the agent that runs it. The agent is proven
 * by its client credentials: they must belong to an enrolled agent, not revoked; the
 * deployment is this agent's, in its organisation, and running (deploying, healthy or unhealthy —
 * not removed, rolled back, replaced or rejected); the catalog version it runs declares exactly
 * this server, tool and use in its spec's `mcpTools`, and the call carries the arguments that
 * declaration fixes, with their values. Then the service checks the server (enabled,
 * allowed tools) and the policy (`mcpAutomationTools`) and calls, with `purpose: 'automation'`.
 * Every refusal here is audited as `mcp.tool.call` like the service's own.
 */
export async function callDeclaredTool(deps: { db: Db; mcpClient: McpClientService; unknownDeployments?: LimitedAppCallsAudit }, client: { clientRowId: string; orgId: string }, call: AppToolCall): Promise<{ deploymentId: string; answer: McpToolAnswer }> {
  const { db, mcpClient } = deps;
  const context = { app: call.app, version: call.version, use: call.use };
  const found = await findAgentByClient(db, client.clientRowId, client.orgId);
  const agent = { id: found?.id ?? null, orgId: client.orgId };
  const deployment = found ? await findAgentDeployment(db, agent.orgId, found.id, call.app, call.version) : undefined;
  let refusedArgument: string | undefined;
  try {
    if (!found) throw new ForbiddenError('These client credentials do not belong to an enrolled agent; enrol the agent with a code (marketplace-agent enroll).', 'AGENT_NOT_ENROLLED');
    if (!deployment) throw new McpClientError('MCP_DEPLOYMENT_UNKNOWN', `This agent has no deployment of ${call.app} ${call.version}; only an app the agent runs can call MCP tools.`);
    if (!(LIVE_DEPLOYMENT_STATES as readonly string[]).includes(deployment.state)) {
      throw new McpClientError('MCP_DEPLOYMENT_NOT_LIVE', `${call.app} ${call.version} is ${deployment.state} on this agent; only a running deployment can call MCP tools.`);
    }
    const version = deployment.app_id ? await findVersionRow(db, agent.orgId, deployment.app_id, call.version) : undefined;
    const declared = declaredTools.parse((version?.spec as { mcpTools?: unknown } | undefined)?.mcpTools ?? []);
    const declaration = declared.find((d) => d.server === call.server && d.tool === call.tool && d.use === call.use);
    if (!declaration) {
      throw new McpClientError('MCP_TOOL_NOT_DECLARED', `${call.app} ${call.version} does not declare "${call.server}/${call.tool}" as ${call.use === 'source' ? 'a source' : 'an output'} in its spec; an app calls only the MCP tools its published version declares (and a reviewer saw).`);
    }
    const differing = fixedArgumentDiffering(declaration.arguments ?? {}, call.arguments);
    if (differing) {
      refusedArgument = differing.name;
      throw new McpClientError('MCP_ARGUMENT_FIXED', `${call.app} ${call.version} may call "${call.server}/${call.tool}" only with ${differing.name} = ${JSON.stringify(differing.fixed)}, as its spec fixes it; the call ${differing.sent ? 'sent another value' : 'did not send it'}. Send the fixed value, or publish a version whose spec fixes another one.`);
    }
  } catch (error) {
    if (found && !deployment && deps.unknownDeployments) {
      // bounded per agent: a made-up app name per call is not an audit entry per call (decision 0067)
      await deps.unknownDeployments.refused({ clientRowId: client.clientRowId, orgId: client.orgId, call });
      throw error;
    }
    await appendAudit(db, {
      orgId: agent.orgId, actorType: 'agent', actorId: agent.id, requestId: null, action: 'mcp.tool.call', targetType: 'deployment', targetId: deployment?.id ?? null, result: 'denied',
      details: { server: call.server, tool: call.tool, purpose: 'automation', argumentNames: Object.keys(call.arguments).slice(0, 50), ...context, deploymentId: deployment?.id ?? null, outcome: 'denied', code: isAppError(error) ? error.code : 'INTERNAL', ...(refusedArgument ? { argument: refusedArgument } : {}) },
    });
    throw error;
  }
  const answer = await mcpClient.call({ orgId: agent.orgId, actorType: 'agent', actorId: found!.id, purpose: 'automation', context: { ...context, deploymentId: deployment.id } }, { name: call.server }, call.tool, call.arguments);
  return { deploymentId: deployment.id, answer };
}

/**
 * The first argument the spec fixes that the call does not carry with exactly that value (strings,
 * numbers and booleans compare by value; an absent or inherited name is not the value); none: undefined.
 */
export function fixedArgumentDiffering(fixed: Record<string, string | number | boolean>, sent: Record<string, unknown>): { name: string; fixed: string | number | boolean; sent: boolean } | undefined {
  for (const [name, value] of Object.entries(fixed)) {
    const present = Object.hasOwn(sent, name);
    if (!present || sent[name] !== value) return { name, fixed: value, sent: present };
  }
  return undefined;
}
