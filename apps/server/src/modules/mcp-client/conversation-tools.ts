import { REQUEST_LIMITS, type LlmTool } from '@marketplace/llm';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Db } from '../../db/schema.js';
import { isAppError } from '../../errors/app-error.js';
import { getOrgSettings } from '../settings/org-settings.js';
import type { McpClientService } from './mcp-client-service.js';
import type { McpToolAnswer, McpToolInfo } from './mcp-connection.js';
import { policyAllows, serverAllows } from './mcp-policy.js';
import { listMcpServers } from './mcp-servers-repository.js';

/** The MCP tools a conversation turn may offer the model. */
export interface ConversationTools {
  /** Tools on the organisation's enabled servers that the server allows and policy.mcpConversationTools lists; calls run as `userId`. */
  toolsFor(caller: { orgId: string; userId: string }): Promise<LlmTool[]>;
}

/** Tools offered at most per turn (the gateway's own limit is 32; fewer keep the prompt small and the choice clear). */
const MAX_TOOLS = 20;
/** A server's tool list is kept this long per registration (id + updated_at); a changed registration is listed again at once. */
const LIST_TTL_MS = 5 * 60_000;
/** A server that could not be listed is left out this long, so a server that is down does not slow every turn. */
const FAILED_LIST_TTL_MS = 60_000;

/** A name the model can call: `server_tool` in the providers' alphabet, at most 64 characters, unique in the turn. */
function toolName(server: string, tool: string, taken: Set<string>): string {
  const base = `${server}_${tool}`.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 60);
  let name = base;
  for (let n = 2; taken.has(name); n += 1) name = `${base.slice(0, 60 - String(n).length)}_${n}`;
  taken.add(name);
  return name;
}

/** What the model reads of a tool's answer: its text parts, else its structured content as JSON. */
export function answerText(answer: McpToolAnswer): string {
  const parts = answer.content.map((part) => {
    const item = part as { type?: unknown; text?: unknown; resource?: { text?: unknown } };
    if (item.type === 'text' && typeof item.text === 'string') return item.text;
    if (item.type === 'resource' && typeof item.resource?.text === 'string') return item.resource.text;
    return `[${typeof item.type === 'string' ? item.type : 'content'} left out]`;
  });
  const text = parts.length ? parts.join('\n') : answer.structuredContent ? JSON.stringify(answer.structuredContent) : '(empty answer)';
  return answer.isError ? `The tool reported an error: ${text}` : text;
}

/**
 * Offers conversations the organisation's MCP tools. Nothing is listed when the policy names no
 * conversation tool. Each call goes through McpClientService.call with purpose 'conversation' and
 * the conversation's user as the actor, so it is checked (enabled, allowed tools, policy — again,
 * at call time) and audited like any other; a refusal or failure is told to the model as text.
 */
export function createConversationTools(deps: { db: Db; mcp: McpClientService; logger: Logger }): ConversationTools {
  const { db, mcp } = deps;
  const log = deps.logger.child({ component: 'conversation-tools' });
  const lists = new LRUCache<string, McpToolInfo[]>({ max: 500, ttl: LIST_TTL_MS });

  async function toolsOf(orgId: string, server: { id: string; name: string; updated_at: Date | string }): Promise<McpToolInfo[]> {
    const key = `${orgId}\u0000${server.id}\u0000${new Date(server.updated_at).toISOString()}`;
    const cached = lists.get(key);
    if (cached) return cached;
    try {
      const tools = await mcp.listTools(orgId, server.id);
      lists.set(key, tools);
      return tools;
    } catch (error) {
      log.warn({ orgId, server: server.name, code: isAppError(error) ? error.code : 'INTERNAL' }, 'could not list an MCP server\'s tools for a conversation; its tools are left out for a minute');
      lists.set(key, [], { ttl: FAILED_LIST_TTL_MS });
      return [];
    }
  }

  return {
    async toolsFor({ orgId, userId }) {
      const { policy } = await getOrgSettings(db, orgId);
      if (!policy.mcpConversationTools.length) return [];
      const named = new Set(policy.mcpConversationTools.map((entry) => entry.slice(0, entry.lastIndexOf('/'))));
      const servers = (await listMcpServers(db, orgId)).filter((s) => s.enabled && s.allowed_tools.length > 0 && named.has(s.name));
      const listed = await Promise.all(servers.map(async (server) => ({ server, tools: await toolsOf(orgId, server) })));
      const taken = new Set<string>();
      const offered: LlmTool[] = [];
      for (const { server, tools } of listed) {
        for (const info of tools) {
          if (offered.length >= MAX_TOOLS) break;
          if (!serverAllows(server.allowed_tools, info.name) || !policyAllows(policy, 'conversation', server.name, info.name)) continue;
          // the gateway refuses a whole request over one unfit tool, so such a tool is left out here
          if (info.inputSchema.type !== 'object' || JSON.stringify(info.inputSchema).length > REQUEST_LIMITS.maxToolSchemaChars) continue;
          const where = ` (tool "${info.name}" of the organisation's MCP server "${server.name}")`;
          const about = (info.description ?? info.title ?? info.name).slice(0, Math.max(0, REQUEST_LIMITS.maxToolDescriptionChars - where.length));
          offered.push({
            name: toolName(server.name, info.name, taken),
            description: `${about}${where}`.slice(0, REQUEST_LIMITS.maxToolDescriptionChars),
            inputSchema: info.inputSchema,
            async execute(input) {
              try {
                return answerText(await mcp.call({ orgId, actorType: 'user', actorId: userId, purpose: 'conversation' }, { id: server.id }, info.name, input));
              } catch (error) {
                if (!isAppError(error)) throw error;
                return `The tool could not be called (${error.code}).`;
              }
            },
          });
        }
      }
      return offered;
    },
  };
}
