import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { mcpToolUseSchema, slugSchema } from '@marketplace/spec';
import { z } from 'zod';
import { TooManyRequestsError } from '../../errors/app-error.js';
import { withErrors } from '../../http/responses.js';
import { callDeclaredTool, type AppToolCall } from './app-tool-calls.js';
import { createLimitedAppCallsAudit } from './limited-app-calls.js';
import { mcpAnswerSchema } from './mcp-servers-routes.js';

const semver = z.string().max(64).regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/, { message: 'must be a semantic version such as 1.2.0' });
const body = z
  .object({
    app: slugSchema.describe('The deployed app that calls (its name on this agent)'),
    version: semver.describe('The version of it that runs on this agent'),
    server: mcpToolUseSchema.shape.server,
    tool: mcpToolUseSchema.shape.tool,
    use: mcpToolUseSchema.shape.use.describe('source: the app reads with it; output: the app sends its result with it — as the spec declares'),
    arguments: z.record(z.string().max(128), z.unknown()).refine((a) => Object.keys(a).length <= 50, 'at most 50 arguments').default({}),
  })
  .strict();

/**
 * A deployed app's call of a declared MCP tool, forwarded by the agent that runs it (the app asks
 * its agent on loopback with a per-deployment token; see docs/decisions/0045). Authenticated as the
 * agent; the deployment is named by app and version on that agent.
 */
export default async function appToolCallsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const CALLS_WINDOW_MS = 60_000;
  const limitedCalls = createLimitedAppCallsAudit({ db: app.db, log: app.log }, { windowMs: CALLS_WINDOW_MS, limit: app.config.mcpClient.appCallsPerMinute });
  const unknownDeployments = createLimitedAppCallsAudit({ db: app.db, log: app.log }, { windowMs: CALLS_WINDOW_MS, limit: app.config.mcpClient.appCallsPerMinute, refusal: 'unknown-deployment' });
  app.addHook('onClose', async () => {
    await limitedCalls.close();
    await unknownDeployments.close();
  });

  app.post('/agents/mcp-calls', {
    config: {
      auth: { principals: ['agent' as const] },
      // the service and the checks before it write the audit entry (mcp.tool.call), so the route's own is off
      audit: false,
      rateLimit: {
        // calls one deployment may make a minute (its agent, app and version), whatever the tool
        max: app.config.mcpClient.appCallsPerMinute,
        timeWindow: CALLS_WINDOW_MS,
        // refused before the handler: audited here, bounded per deployment (decision 0067)
        onExceeded: (request: FastifyRequest) => {
          if (request.principal?.kind === 'agent') void limitedCalls.refused({ clientRowId: request.principal.id, orgId: request.principal.orgId, call: request.body as AppToolCall });
        },
        errorResponseBuilder: (_request: FastifyRequest, context: { max: number; ttl: number }) =>
          new TooManyRequestsError(
            `This deployment made ${context.max} MCP tool calls in the last minute, the most allowed (MCP_APP_CALLS_PER_MINUTE); retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s (Retry-After), or call less often.`,
            context.ttl / 1000,
            'MCP_APP_CALLS_LIMITED',
          ),
        keyGenerator: (request: FastifyRequest) => {
          const call = request.body as { app?: unknown; version?: unknown } | undefined;
          return `mcp-call:${request.principal?.id ?? request.ip}:${String(call?.app)}@${String(call?.version)}`;
        },
      },
    },
    schema: {
      tags: ['agents'],
      summary: 'Call an MCP tool for one of this agent’s deployed apps (it must be declared in the spec of the version the app runs, and allowed by the server and the policy)',
      description: 'Checked in order: the deployment is this agent’s and running; its published version declares this server, tool and use in mcpTools, and the call carries the arguments that declaration fixes (MCP_ARGUMENT_FIXED otherwise); the MCP server is enabled and lists the tool; the organisation policy’s mcpAutomationTools lists it. Every call and refusal is audited as mcp.tool.call (purpose automation, without argument values); calls naming a deployment the agent does not have are audited as the first of a minute per agent plus one entry counting the rest (details.refused, details.apps). At most MCP_APP_CALLS_PER_MINUTE (default 60) calls per minute per deployment; more are answered 429 MCP_APP_CALLS_LIMITED with Retry-After, and audited as the first such refusal of a minute plus, if more followed, one entry counting them (details.refused).',
      body,
      response: withErrors({ 200: mcpAnswerSchema.extend({ deploymentId: z.string() }) }, [404, 409, 422, 429, 502, 504]),
    },
    handler: async (request) => {
      const { id: clientRowId, orgId } = request.principal!;
      const { deploymentId, answer } = await callDeclaredTool({ db: app.db, mcpClient: app.mcpClient, unknownDeployments }, { clientRowId, orgId }, request.body);
      return { ...answer, deploymentId };
    },
  });
}
