import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { CallToolRequestSchema, GetPromptRequestSchema, ListPromptsRequestSchema, ListResourcesRequestSchema, ListResourceTemplatesRequestSchema, ListToolsRequestSchema, ReadResourceRequestSchema, type CallToolResult, type ServerNotification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { AppError, ForbiddenError } from '../../errors/app-error.js';
import { toProblem } from '../../errors/problem.js';
import { appendAudit } from '../audit/audit-repository.js';
import { hasRole } from '../auth/principal.js';
import { describePrompt, mcpPrompts } from './mcp-prompts.js';
import { listResources, readResource, resourceTemplates } from './mcp-resources.js';
import type { McpCaller, McpDeps, McpTool, ToolAudit } from './mcp-tool.js';
import { mcpTools } from './mcp-tools.js';

const SERVER_INFO = { name: 'marketplace', version: '0.1.0' };
const INSTRUCTIONS =
  'The organisation’s internal app marketplace. Describe a tool with describe_app until nothing is missing, build it with build_app, follow it with request_status, then distribute_version sends the signed release to deploy agents. search_catalog and show_app read the catalog; list_deployments, rollback_deployment and remove_deployment manage where apps run.';

/** Each tool's input as JSON Schema (what the caller may send), computed once. */
const toolList = mcpTools.map((tool) => {
  const schema = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema.$schema;
  // MCP wants an object schema at the top; a union of object shapes (build_app) is still one.
  return { name: tool.name, title: tool.title, description: tool.description, inputSchema: { type: 'object', ...schema } as { type: 'object' }, annotations: { readOnlyHint: tool.readOnly, destructiveHint: tool.destructive ?? false, openWorldHint: false } };
});
const toolsByName = new Map(mcpTools.map((tool) => [tool.name, tool]));

function toolError(error: unknown, caller: Pick<McpCaller, 'requestId'>, tool: string): { result: CallToolResult; status: number; code: string } {
  const { problem } = toProblem(error, { url: `/mcp/tools/${tool}`, id: caller.requestId });
  return { result: { isError: true, content: [{ type: 'text', text: JSON.stringify(problem) }], structuredContent: problem }, status: problem.status, code: problem.code };
}

function validationError(error: z.ZodError): AppError {
  const errors = error.issues.map((issue) => ({ path: ['arguments', ...issue.path].join('.'), message: issue.message }));
  const summary = errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`).join('; ');
  return new AppError('VALIDATION_FAILED', 400, `The request is invalid — ${summary}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}.`, { details: { errors } });
}

/** Run one tool as the caller: roles, the REST schema, the service call, one audit entry for a state-changing tool. */
export async function callTool(deps: McpDeps, caller: McpCaller, name: string, args: unknown): Promise<CallToolResult> {
  const tool: McpTool | undefined = toolsByName.get(name);
  if (!tool) return toolError(new AppError('TOOL_NOT_FOUND', 404, `There is no tool "${name}"; list the tools to see what this server offers.`), caller, name).result;
  let audit: ToolAudit | undefined;
  const setAudit = (value: ToolAudit) => {
    audit = value;
  };
  let outcome: { result: CallToolResult; status: number; code?: string };
  try {
    if (tool.roles && !tool.roles.some((role) => hasRole(caller.principal, role))) throw new ForbiddenError(`This needs the ${tool.roles.join(' or ')} role; ask an admin of your organization.`, 'ROLE_REQUIRED');
    const parsed = tool.input.safeParse(args ?? {});
    if (!parsed.success) throw validationError(parsed.error);
    const done = await tool.run(deps, caller, parsed.data, setAudit);
    audit = done.audit ?? audit;
    outcome = { result: { content: [{ type: 'text', text: done.text ?? JSON.stringify(done.result) }], structuredContent: done.result }, status: 200 };
  } catch (error) {
    outcome = toolError(error, caller, name);
    if (outcome.status >= 500) deps.logger.error({ err: error, tool: name, requestId: caller.requestId }, 'MCP tool failed');
  }
  if (tool.audit && (audit || outcome.status !== 200)) {
    const { principal } = caller;
    const result = outcome.status < 400 ? 'success' : outcome.status === 403 ? 'denied' : 'failure';
    await appendAudit(deps.db, {
      orgId: principal.orgId, actorType: principal.kind, actorId: principal.id, action: tool.audit, targetType: audit?.targetType ?? null, targetId: audit?.targetId ?? null,
      result, statusCode: outcome.status, ip: caller.ip, requestId: caller.requestId, details: { ...audit?.details, channel: 'mcp', tool: name, ...(outcome.code ? { code: outcome.code } : {}) },
    }).catch((error: unknown) => deps.logger.error({ err: error, requestId: caller.requestId }, 'could not write the audit entry'));
  }
  return outcome.result;
}

/** Who calls, as the transport hands it to each request (`extra`): the HTTP route binds it per request through `authInfo`. */
export type CallerOf = (extra: RequestHandlerExtra<ServerRequest, ServerNotification>) => Promise<McpCaller>;

const CALLER_KEY = 'marketplaceCaller';

/** The `authInfo` the HTTP route hands the transport for one request: the caller its bearer proved (the secret itself is not passed on). */
export function callerAuthInfo(caller: McpCaller): AuthInfo {
  return { token: '', clientId: caller.principal.id, scopes: [], extra: { [CALLER_KEY]: caller } };
}

/** The caller bound to this request by `callerAuthInfo`; a request without one is refused (fails closed). */
export const callerFromAuthInfo: CallerOf = async (extra) => {
  const caller = extra.authInfo?.extra?.[CALLER_KEY] as McpCaller | undefined;
  if (!caller) throw new AppError('UNAUTHORIZED', 401, 'This MCP request carries no proven caller; send "Authorization: Bearer <API key or access token>".');
  return caller;
};

/**
 * An MCP server with the marketplace's tools, resources and prompts over whatever transport connects
 * to it. It keeps no caller of its own: `callerOf` finds the caller of each request, so one server can
 * answer many callers in turn (the HTTP route's pool) — the stdio process passes a function that proves
 * its key again (the key's owner demoted, disabled or the key revoked stops it like every other channel).
 */
export function createMcpServer(deps: McpDeps, callerOf: CallerOf): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: {}, resources: {}, prompts: {} }, instructions: INSTRUCTIONS });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: toolList }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    let current: McpCaller;
    try {
      current = await callerOf(extra);
    } catch (error) {
      return toolError(error, { requestId: randomUUID() }, request.params.name).result;
    }
    return callTool(deps, current, request.params.name, request.params.arguments);
  });
  server.setRequestHandler(ListResourcesRequestSchema, async (_request, extra) => ({ resources: await listResources(deps, await callerOf(extra)) }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: resourceTemplates }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => ({ contents: [await readResource(deps, await callerOf(extra), request.params.uri)] }));
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: mcpPrompts }));
  server.setRequestHandler(GetPromptRequestSchema, async (request) => describePrompt(request.params.name, request.params.arguments ?? {}));
  return server;
}
