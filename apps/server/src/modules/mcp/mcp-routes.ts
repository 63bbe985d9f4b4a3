import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import { problem, sendProblem } from '../../errors/problem.js';
import { withErrors } from '../../http/responses.js';
import type { McpDeps } from './mcp-tool.js';

const METADATA_PATH = '/.well-known/oauth-protected-resource';
const metadataSchema = z.object({ resource: z.string(), resource_name: z.string(), bearer_methods_supported: z.array(z.string()), resource_documentation: z.string() }).meta({ id: 'ProtectedResourceMetadata' });

/** The pool of MCP servers and how a caller reaches their handlers. */
async function loadServers(deps: McpDeps) {
  const [{ callerAuthInfo, callerFromAuthInfo, createMcpServer }, { McpServerPool }] = await Promise.all([import('./mcp-server.js'), import('./mcp-server-pool.js')]);
  return { pool: new McpServerPool(() => createMcpServer(deps, callerFromAuthInfo)), callerAuthInfo };
}

/**
 * The MCP server over Streamable HTTP (stateless: one server per POST, JSON answers), authenticated
 * like the API by a bearer API key or access token, and its OAuth protected-resource metadata (RFC 9728),
 * which a 401 points to as the MCP authorization specification says.
 */
export default async function mcpRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const base = app.config.publicUrl;
  const metadata = { resource: `${base}/mcp`, resource_name: 'marketplace', bearer_methods_supported: ['header'], resource_documentation: `${base}/docs` };
  const allowedOrigins = new Set([new URL(base).origin, ...app.config.corsOrigins]);
  const deps: McpDeps = { db: app.db, config: app.config, jobs: app.jobs, events: app.events, agents: app.agents, conversations: app.conversationServices, logger: app.log as Logger };
  // The MCP SDK and the tools' table load with the first call, not at start-up (most servers never get one).
  let servers: ReturnType<typeof loadServers> | undefined;
  const mcpServers = () =>
    (servers ??= loadServers(deps).catch((error: unknown) => {
      servers = undefined;
      throw error;
    }));

  for (const path of [METADATA_PATH, `${METADATA_PATH}/mcp`]) {
    app.get(path, {
      config: { auth: false },
      schema: { tags: ['mcp'], summary: 'OAuth protected-resource metadata of the MCP endpoint (RFC 9728)', security: [], response: { 200: metadataSchema } },
      handler: async () => metadata,
    });
  }

  function unauthorized(request: FastifyRequest, reply: FastifyReply, detail: string) {
    const invalid = request.headers.authorization ? ', error="invalid_token"' : '';
    return sendProblem(reply, problem(401, 'UNAUTHORIZED', detail, { instance: '/mcp', requestId: request.id }), { 'www-authenticate': `Bearer resource_metadata="${base}${METADATA_PATH}"${invalid}` });
  }

  app.post('/mcp', {
    // Signed in here, not by the route rule: a 401 must name the metadata; the tools write the audit entries.
    config: { auth: false, audit: false },
    schema: {
      tags: ['mcp'],
      summary: 'MCP (Model Context Protocol) over Streamable HTTP: tools, resources and prompts of the marketplace',
      description: 'A JSON-RPC message as the MCP specification says (initialize, tools/list, tools/call, resources/read, prompts/get …), with `Accept: application/json, text/event-stream` and `Authorization: Bearer <API key or access token>`. Stateless: no session id; each POST is answered with JSON.',
      body: z.unknown(),
      response: withErrors({ 200: z.unknown(), 202: z.null() }, [406]),
    },
    handler: async (request, reply) => {
      const principal = request.principal;
      const origin = request.headers.origin;
      // Browsers' pages elsewhere may not drive the endpoint (DNS rebinding); MCP clients outside a browser send no Origin.
      if (origin && !allowedOrigins.has(origin)) return sendProblem(reply, problem(403, 'ORIGIN_REFUSED', `Requests from ${origin} may not use /mcp; add it to CORS_ORIGINS if it is yours.`, { requestId: request.id }));
      if (!principal || principal.via === 'cookie') return unauthorized(request, reply, 'Send "Authorization: Bearer <API key or access token>"; the MCP endpoint takes no session cookie.');
      if (principal.kind === 'agent') return sendProblem(reply, problem(403, 'PRINCIPAL_NOT_ALLOWED', 'This endpoint is not available to agents.', { requestId: request.id }));
      // The body Fastify parsed (within its limit) and the headers are handed over as they are.
      const caller = { principal, requestId: request.id, ip: request.ip };
      const { pool, callerAuthInfo } = await mcpServers();
      const answer = await pool.handle(request.headers, request.body, callerAuthInfo(caller));
      reply.status(answer.status);
      if (answer.contentType) reply.type(answer.contentType);
      return answer.body.length ? reply.send(answer.body) : reply.send();
    },
  });

  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: '/mcp',
      config: { auth: false, audit: false },
      schema: { tags: ['mcp'], summary: `MCP ${method}: not offered (the endpoint is stateless: no server-initiated stream, no session to end)`, security: [], response: withErrors({ 405: z.unknown() }) },
      handler: async (request, reply) => sendProblem(reply.header('allow', 'POST'), problem(405, 'METHOD_NOT_ALLOWED', 'This MCP endpoint is stateless: send each JSON-RPC message with POST.', { requestId: request.id })),
    });
  }
}
