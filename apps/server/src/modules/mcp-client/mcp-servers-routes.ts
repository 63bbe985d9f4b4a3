import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noticeSchema } from '../../http/notice.js';
import { idParams, iso, withErrors } from '../../http/responses.js';
import { McpClientError } from './mcp-client-error.js';
import { MCP_TRANSPORTS } from './mcp-client-tables.js';
import type { McpServerRow } from './mcp-servers-repository.js';

const ADMIN = { roles: ['admin' as const] };
const TAGS = ['mcp-servers'];
const toolName = z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'use 1-128 letters, digits, "_", "." or "-"');
const name = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'use 1-63 lowercase letters, digits, ".", "_" or "-"');
/** Headers the transport sets itself: an admin may not override them. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'accept', 'connection', 'transfer-encoding', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id']);
const secrets = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/, 'a header or variable name: letters, digits, "_" or "-"'), z.string().min(1).max(4000).refine((v) => !/[\r\n\0]/.test(v), 'no line breaks or NUL'))
  .refine((record) => Object.keys(record).length <= 20, 'at most 20 credentials')
  .refine((record) => Object.keys(record).every((key) => !RESERVED_HEADERS.has(key.toLowerCase())), { message: `these headers are set by the MCP transport itself: ${[...RESERVED_HEADERS].join(', ')}` })
  .describe('http: header name → value (e.g. Authorization); stdio: environment variable → value. Stored sealed; never returned, only their names');
const command = z.string().min(1).max(500).refine((v) => !/[\0\r\n]/.test(v), 'no line breaks or NUL').describe('stdio only (needs MCP_STDIO_SERVERS=allow): the program to start, best as a full path');
const args = z.array(z.string().max(1000).refine((v) => !v.includes('\0'), 'no NUL')).max(50);
const url = z.string().trim().min(1).max(2000).describe('http only: the Streamable HTTP endpoint; loopback, private and link-local hosts are refused unless MCP_ALLOW_PRIVATE_TARGETS=true');
const allowedTools = z.array(toolName.or(z.literal('*'))).max(200).transform((list) => [...new Set(list)]).describe('tools that may be called at all ("*": every tool); the policy then says who may');
const createBody = z
  .object({ name, description: z.string().trim().max(200).default(''), transport: z.enum(MCP_TRANSPORTS), url: url.optional(), command: command.optional(), args: args.default([]), secrets: secrets.default({}), enabled: z.boolean().default(true), allowedTools: allowedTools.default([]) })
  .strict()
  .refine((b) => (b.transport === 'http' ? b.url && !b.command && b.args.length === 0 : b.command && !b.url), { message: 'an http server takes "url" (no command or args); a stdio server takes "command" and "args" (no url)' });
const updateBody = z
  .object({ name: name.optional(), description: z.string().trim().max(200).optional(), url: url.optional(), command: command.optional(), args: args.optional(), secrets: secrets.optional().describe('replaces every stored credential ({}: remove them all); omit to keep them'), enabled: z.boolean().optional(), allowedTools: allowedTools.optional() })
  .strict();
const serverSchema = z.object({
  id: z.string(), name: z.string(), description: z.string(), transport: z.enum(MCP_TRANSPORTS), url: z.string().nullable(), command: z.string().nullable(), args: z.array(z.string()),
  secretNames: z.array(z.string()).describe('names of the stored credentials; their values are never returned'), enabled: z.boolean(), allowedTools: z.array(z.string()), createdAt: z.string(), updatedAt: z.string(),
});
const toolSchema = z.object({ name: z.string(), title: z.string().nullable(), description: z.string().nullable(), inputSchema: z.record(z.string(), z.unknown()), allowed: z.boolean() });
export const mcpAnswerSchema = z.object({ isError: z.boolean().describe('the tool itself reported a failure'), content: z.array(z.unknown()), structuredContent: z.record(z.string(), z.unknown()).nullable(), bytes: z.number() });

const view = (row: McpServerRow) => ({
  id: row.id, name: row.name, description: row.description, transport: row.transport, url: row.url, command: row.command, args: row.args, secretNames: row.secret_names, enabled: row.enabled, allowedTools: row.allowed_tools,
  createdAt: iso(row.created_at), updatedAt: iso(row.updated_at),
});

/** MCP servers the organisation calls (admins): register, try, and call their tools by hand. */
export default async function mcpServersRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = () => app.mcpClient;

  app.get('/mcp-servers', {
    config: { auth: ADMIN },
    schema: { tags: TAGS, summary: 'MCP servers registered in my organisation, and whether this server allows stdio ones', response: withErrors({ 200: z.object({ items: z.array(serverSchema), stdioAllowed: z.boolean(), allowPrivateTargets: z.boolean() }) }) },
    handler: async (request) => ({ items: (await service().list(request.principal!.orgId)).map(view), stdioAllowed: service().stdioAllowed, allowPrivateTargets: service().allowPrivateTargets }),
  });

  app.post('/mcp-servers', {
    config: { auth: ADMIN, audit: 'mcp-server.create' },
    schema: { tags: TAGS, summary: 'Register an MCP server (credentials are stored sealed and never returned)', body: createBody, response: withErrors({ 201: serverSchema }, [409, 422]) },
    handler: async (request, reply) => {
      const { orgId, userId } = request.principal!;
      const row = await service().create(orgId, userId ?? null, request.body);
      request.auditInfo = { targetType: 'mcp-server', targetId: row.id, details: { name: row.name, transport: row.transport, url: row.url, command: row.command, secretNames: row.secret_names, allowedTools: row.allowed_tools } };
      return reply.code(201).send(view(row));
    },
  });

  app.get('/mcp-servers/:id', {
    config: { auth: ADMIN },
    schema: { tags: TAGS, summary: 'One MCP server', params: idParams, response: withErrors({ 200: serverSchema }, [404]) },
    handler: async (request) => view(await service().get(request.principal!.orgId, request.params.id)),
  });

  app.patch('/mcp-servers/:id', {
    config: { auth: ADMIN, audit: 'mcp-server.update' },
    schema: { tags: TAGS, summary: 'Change an MCP server: name, URL or command, credentials, enabled, allowed tools', params: idParams, body: updateBody, response: withErrors({ 200: serverSchema }, [404, 409, 422]) },
    handler: async (request) => {
      const { secrets: given, ...rest } = request.body;
      request.auditInfo = { targetType: 'mcp-server', targetId: request.params.id, details: { ...rest, ...(given ? { secretNames: Object.keys(given) } : {}) } };
      return view(await service().update(request.principal!.orgId, request.params.id, request.body));
    },
  });

  app.delete('/mcp-servers/:id', {
    config: { auth: ADMIN, audit: 'mcp-server.delete' },
    schema: { tags: TAGS, summary: 'Remove an MCP server', params: idParams, response: withErrors({ 204: z.null() }, [404]) },
    handler: async (request, reply) => {
      request.auditInfo = { targetType: 'mcp-server', targetId: request.params.id };
      await service().remove(request.principal!.orgId, request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.post('/mcp-servers/:id/test', {
    config: { auth: ADMIN, audit: 'mcp-server.test' },
    schema: {
      tags: TAGS,
      summary: 'Connect now and list the tools it offers (also while disabled); a failure is answered as ok=false with its code',
      params: idParams,
      response: withErrors({ 200: z.object({ ok: z.boolean(), durationMs: z.number(), tools: z.array(toolSchema), code: z.string().optional(), message: z.string().optional(), notices: z.array(noticeSchema).optional().describe('The failure as codes and parameters the UI words; absent when only `message` says it') }) }, [404]),
    },
    handler: async (request) => {
      const { orgId } = request.principal!;
      const server = await service().get(orgId, request.params.id);
      request.auditInfo = { targetType: 'mcp-server', targetId: server.id };
      const started = Date.now();
      try {
        const tools = await service().listTools(orgId, server.id);
        const allowed = (tool: string) => server.allowed_tools.includes('*') || server.allowed_tools.includes(tool);
        request.auditInfo.details = { ok: true, tools: tools.length };
        return { ok: true, durationMs: Date.now() - started, tools: tools.map((tool) => ({ ...tool, allowed: allowed(tool.name) })) };
      } catch (error) {
        if (!(error instanceof McpClientError)) throw error;
        request.auditInfo.details = { ok: false, code: error.code };
        return { ok: false, durationMs: Date.now() - started, tools: [], code: error.code, message: error.message, ...(error.notices.length ? { notices: error.notices } : {}) };
      }
    },
  });

  app.post('/mcp-servers/:id/tools/:tool/call', {
    config: { auth: ADMIN, audit: false },
    schema: {
      tags: TAGS,
      summary: 'An admin’s trial call of one tool (it must be among the server’s allowed tools; the call is audited without its argument values)',
      params: z.object({ id: z.uuid({ message: 'must be a UUID' }), tool: toolName }).strict(),
      body: z.object({ arguments: z.record(z.string(), z.unknown()).default({}) }).strict(),
      response: withErrors({ 200: mcpAnswerSchema }, [404, 409, 422, 502, 504]),
    },
    handler: async (request) => {
      const principal = request.principal!;
      // the service writes the audit entry (server, tool, caller, outcome), so the route's own is off
      const caller = { orgId: principal.orgId, actorType: principal.kind, actorId: principal.id, requestId: request.id, purpose: 'trial' as const };
      return service().call(caller, { id: request.params.id }, request.params.tool, request.body.arguments);
    },
  });
}
