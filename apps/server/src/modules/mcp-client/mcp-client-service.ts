import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { isAppError, NotFoundError } from '../../errors/app-error.js';
import { appendAudit, type AuditEvent } from '../audit/audit-repository.js';
import { createSecretBox, type SecretBox } from '../llm-settings/secret-box.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { McpClientError } from './mcp-client-error.js';
import type { McpTransport } from './mcp-client-tables.js';
import type { McpLimits, McpTarget, McpToolAnswer, McpToolInfo } from './mcp-connection.js';
import { policyAllows, serverAllows, type McpCallPurpose } from './mcp-policy.js';
import { deleteMcpServer, findMcpServer, findMcpServerByName, insertMcpServer, listMcpServers, updateMcpServer, type McpServerChange, type McpServerRow } from './mcp-servers-repository.js';
import { checkMcpUrl } from './mcp-target.js';

/** The MCP SDK's client and undici (≈ 150 modules) load on the first connection, not at start-up (decision 0054). */
const connection = () => import('./mcp-connection.js');

export interface McpServerInput {
  name: string;
  description: string;
  transport: McpTransport;
  url?: string;
  command?: string;
  args: string[];
  /** http: header name → value; stdio: variable name → value. Sealed at rest, never returned. */
  secrets: Record<string, string>;
  enabled: boolean;
  allowedTools: string[];
}

export type McpServerUpdate = Partial<Omit<McpServerInput, 'transport'>>;

/** Who calls: the audit entry names them; `purpose` decides which policy list applies. */
export interface McpCaller {
  orgId: string;
  actorType: AuditEvent['actorType'];
  actorId: string | null;
  requestId?: string | null;
  purpose: McpCallPurpose;
  /** More to record in the audit entry (an app's call: its deployment, app, version and use). */
  context?: Record<string, unknown>;
}

export interface McpClientService {
  list(orgId: string): Promise<McpServerRow[]>;
  get(orgId: string, id: string): Promise<McpServerRow>;
  create(orgId: string, userId: string | null, input: McpServerInput): Promise<McpServerRow>;
  update(orgId: string, id: string, change: McpServerUpdate): Promise<McpServerRow>;
  remove(orgId: string, id: string): Promise<void>;
  /** Connects and lists the server's tools (also while disabled: an admin checks it before enabling). */
  listTools(orgId: string, id: string): Promise<McpToolInfo[]>;
  /** One tool call, checked against the server's allowed tools and the organisation's policy, and audited whatever its outcome. */
  call(caller: McpCaller, server: { id: string } | { name: string }, tool: string, args: Record<string, unknown>): Promise<McpToolAnswer>;
  readonly stdioAllowed: boolean;
  readonly allowPrivateTargets: boolean;
}

export const mcpSecretContext = (orgId: string, serverId: string) => `mcp:${orgId}:${serverId}`;

export function mcpSecretBox(config: Config): SecretBox {
  return createSecretBox(config.jwtSecret ?? 'development-secret-missing', {
    salt: 'marketplace/mcp-server-secrets',
    info: 'aes-256-gcm mcp server credentials v1',
    what: 'MCP server credential',
    fix: 'set the credentials again with PATCH /api/v1/mcp-servers/{id}',
  });
}

export function createMcpClientService(deps: { db: Db; config: Config; logger: Logger }): McpClientService {
  const { db, config, logger } = deps;
  const box = mcpSecretBox(config);
  const limits: McpLimits = { timeoutMs: config.mcpClient.callTimeoutMs, maxOutputBytes: config.mcpClient.maxOutputBytes, allowPrivateTargets: config.mcpClient.allowPrivateTargets, stdioAllowed: config.mcpClient.stdioServers === 'allow' };
  const log = logger.child({ component: 'mcp-client' });

  async function get(orgId: string, id: string) {
    const row = await findMcpServer(db, orgId, id);
    if (!row) throw new NotFoundError('MCP server', id);
    return row;
  }

  function checkTarget(transport: McpTransport, url: string | null | undefined, command: string | null | undefined) {
    if (transport === 'stdio' && !limits.stdioAllowed) throw new McpClientError('MCP_STDIO_DISABLED', 'Stdio MCP servers run a program on this server and are off; register an HTTP server, or set MCP_STDIO_SERVERS=allow (see docs/integrations.md).');
    if (transport === 'http') checkMcpUrl(url ?? '', limits.allowPrivateTargets);
    if (transport === 'stdio' && !command) throw new McpClientError('MCP_URL_INVALID', 'A stdio MCP server needs "command" (the program to start).');
  }

  async function nameFree(orgId: string, name: string, exceptId?: string) {
    const other = await findMcpServerByName(db, orgId, name);
    if (other && other.id !== exceptId) throw new McpClientError('MCP_SERVER_NAME_TAKEN', `An MCP server named "${name}" is already registered; choose another name or change that one.`);
  }

  const seal = (orgId: string, id: string, secrets: Record<string, string>) => (Object.keys(secrets).length ? box.seal(JSON.stringify(secrets), mcpSecretContext(orgId, id)) : null);

  function targetOf(row: McpServerRow): McpTarget {
    const secrets = row.secrets_sealed ? (JSON.parse(box.open(row.secrets_sealed, mcpSecretContext(row.org_id, row.id))) as Record<string, string>) : {};
    return { name: row.name, transport: row.transport, url: row.url, command: row.command, args: row.args, secrets };
  }

  return {
    stdioAllowed: limits.stdioAllowed,
    allowPrivateTargets: limits.allowPrivateTargets,
    list: (orgId) => listMcpServers(db, orgId),
    get,
    async create(orgId, userId, input) {
      checkTarget(input.transport, input.url, input.command);
      await nameFree(orgId, input.name);
      const id = randomUUID();
      const stdio = input.transport === 'stdio';
      return insertMcpServer(db, orgId, userId, {
        id, name: input.name, description: input.description, transport: input.transport, url: stdio ? null : input.url!, command: stdio ? input.command! : null, args: stdio ? input.args : [],
        secretNames: Object.keys(input.secrets), secretsSealed: seal(orgId, id, input.secrets), enabled: input.enabled, allowedTools: input.allowedTools,
      });
    },
    async update(orgId, id, change) {
      const row = await get(orgId, id);
      if (row.transport === 'http' ? change.command !== undefined || change.args !== undefined : change.url !== undefined) {
        throw new McpClientError('MCP_URL_INVALID', `"${row.name}" is a${row.transport === 'http' ? 'n http server: change its "url"' : ' stdio server: change its "command" and "args"'}; to change how it connects, remove it and register it again.`);
      }
      if (change.url !== undefined || change.command !== undefined) checkTarget(row.transport, change.url ?? row.url, change.command ?? row.command);
      if (change.name !== undefined) await nameFree(orgId, change.name, id);
      const stored: McpServerChange = { ...change, ...(change.secrets !== undefined ? { secretNames: Object.keys(change.secrets), secretsSealed: seal(orgId, id, change.secrets) } : {}) };
      delete (stored as { secrets?: unknown }).secrets;
      return (await updateMcpServer(db, orgId, id, stored)) ?? get(orgId, id);
    },
    async remove(orgId, id) {
      if (!(await deleteMcpServer(db, orgId, id))) throw new NotFoundError('MCP server', id);
    },
    async listTools(orgId, id) {
      return (await connection()).listMcpTools(targetOf(await get(orgId, id)), limits);
    },
    async call(caller, ref, tool, args) {
      const row = 'id' in ref ? await findMcpServer(db, caller.orgId, ref.id) : await findMcpServerByName(db, caller.orgId, ref.name);
      const started = performance.now();
      const audit = (result: AuditEvent['result'], details: Record<string, unknown>) =>
        appendAudit(db, {
          orgId: caller.orgId, actorType: caller.actorType, actorId: caller.actorId, requestId: caller.requestId ?? null, action: 'mcp.tool.call', targetType: 'mcp-server', targetId: row?.id ?? null, result,
          // the argument names only: their values may carry what the caller should not see in the audit log
          details: { server: row?.name ?? ('name' in ref ? ref.name : null), tool, purpose: caller.purpose, argumentNames: Object.keys(args).slice(0, 50), durationMs: Math.round(performance.now() - started), ...caller.context, ...details },
        });
      if (!row) {
        await audit('denied', { outcome: 'denied', code: 'NOT_FOUND' });
        throw new NotFoundError('MCP server', 'id' in ref ? ref.id : ref.name);
      }
      try {
        if (!row.enabled) throw new McpClientError('MCP_SERVER_DISABLED', `The MCP server "${row.name}" is disabled; an admin enables it under Admin → MCP servers.`);
        if (!serverAllows(row.allowed_tools, tool)) throw new McpClientError('MCP_TOOL_NOT_ALLOWED', `The tool "${tool}" is not in the allowed tools of MCP server "${row.name}"; an admin adds it under Admin → MCP servers.`);
        const policy = (await getOrgSettings(db, caller.orgId)).policy;
        if (!policyAllows(policy, caller.purpose, row.name, tool)) {
          const list = caller.purpose === 'conversation' ? 'mcpConversationTools' : 'mcpAutomationTools';
          throw new McpClientError('MCP_POLICY_REFUSED', `The organisation's policy does not let ${caller.purpose === 'conversation' ? 'conversations' : 'apps'} call "${row.name}/${tool}"; an admin adds it to policy.${list}.`);
        }
      } catch (error) {
        const code = isAppError(error) ? error.code : 'INTERNAL';
        await audit('denied', { outcome: 'denied', code });
        throw error;
      }
      try {
        const answer = await (await connection()).callMcpTool(targetOf(row), limits, tool, args);
        await audit(answer.isError ? 'failure' : 'success', { outcome: answer.isError ? 'tool-error' : 'ok', bytes: answer.bytes });
        return answer;
      } catch (error) {
        const code = isAppError(error) ? error.code : 'INTERNAL';
        log.info({ server: row.name, tool, code }, 'MCP tool call failed');
        await audit('failure', { outcome: 'error', code });
        throw error;
      }
    },
  };
}
