/* global fetch, AbortSignal */
import process from 'node:process';
import { t } from './i18n.mjs';
import { itemsFromJson } from './sources.mjs';

/** A tool call waits for the MCP server through the agent and the marketplace; longer than a plain fetch. */
const CALL_TIMEOUT_MS = 120_000;

const toolName = (tool) => `${tool.server}/${tool.tool}`;

/**
 * Calls the MCP tools the app's spec declares, through the deploy agent that runs it: the agent gives
 * the app MARKETPLACE_AGENT_URL (on 127.0.0.1) and its own MARKETPLACE_APP_TOKEN, forwards each call to
 * the marketplace, which checks it against the published spec and the organisation's policy, and
 * audits it. Outside the agent (a hand run, the marketplace's validation) there is no agent: a call
 * fails with a message saying so.
 */
export function createMcpClient(env = process.env) {
  const url = env.MARKETPLACE_AGENT_URL;
  const token = env.MARKETPLACE_APP_TOKEN;
  return {
    async call(tool, args) {
      if (!url || !token) throw new Error(t('mcp.noAgent'));
      const response = await fetch(`${url.replace(/\/$/, '')}/mcp/call`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ server: tool.server, tool: tool.tool, use: tool.use, arguments: args }),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(t('mcp.refused', { tool: toolName(tool), code: answer.code ?? response.status, detail: answer.detail ?? response.statusText }));
      if (answer.isError) throw new Error(t('mcp.toolError', { tool: toolName(tool), detail: textOf(answer).slice(0, 300) }));
      return answer;
    },
  };
}

function textOf(answer) {
  return (Array.isArray(answer.content) ? answer.content : [])
    .filter((part) => part && part.type === 'text')
    .map((part) => String(part.text))
    .join('\n');
}

/**
 * The items of a source tool's answer: its structured result read like a JSON source; else its
 * resource links (each an item with the link); else each text part, as JSON when it is JSON, else
 * as one item with that text as title.
 */
export function itemsFromAnswer(answer) {
  if (answer.structuredContent && typeof answer.structuredContent === 'object') return itemsFromJson(answer.structuredContent);
  const parts = Array.isArray(answer.content) ? answer.content : [];
  const links = parts.filter((part) => part && part.type === 'resource_link' && typeof part.uri === 'string');
  if (links.length > 0) return links.map((link) => ({ id: link.uri, title: String(link.name ?? link.uri), link: link.uri, summary: String(link.description ?? '') }));
  const items = [];
  for (const part of parts) {
    if (!part || part.type !== 'text') continue;
    try {
      items.push(...itemsFromJson(JSON.parse(part.text)));
    } catch {
      items.push({ id: part.text, title: part.text });
    }
  }
  return items;
}

export const mcpToolLabel = (tool, use) => t(`mcp.${use}`, { tool: toolName(tool) });
