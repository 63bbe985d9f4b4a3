import ipaddr from 'ipaddr.js';
import { isMetadataOrLinkLocal } from '../approvals/reach-policy.js';
import { isAllowedAddress } from '../webhooks/webhook-target.js';
import { notice } from '../../http/notice.js';
import { mcpFailure, McpClientError } from './mcp-client-error.js';

const MAX_URL_LENGTH = 2000;

/**
 * Checks an HTTP MCP server's URL when it is saved: http(s), no credentials in it (they go in the
 * sealed headers), and not a refused address or local name. The address actually connected to is
 * checked again at every connection (`mcp-connection.ts`), after DNS, with the same rule as webhooks.
 */
export function checkMcpUrl(raw: string, allowPrivate: boolean): URL {
  if (raw.length > MAX_URL_LENGTH) throw new McpClientError('MCP_URL_INVALID', `The URL is ${raw.length} characters long; at most ${MAX_URL_LENGTH} are accepted.`);
  if (!URL.canParse(raw)) throw new McpClientError('MCP_URL_INVALID', 'The URL cannot be read; give a full URL such as https://mcp.example.com/mcp.');
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new McpClientError('MCP_URL_INVALID', `Only http:// and https:// MCP servers can be registered; got '${url.protocol}'.`);
  if (url.username || url.password) throw new McpClientError('MCP_URL_INVALID', 'Remove the user name and password from the URL; put credentials in "headers" (for example Authorization), which are stored sealed.');
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const local = host === 'localhost' || host.endsWith('.localhost') || !host.includes('.');
  if (isMetadataOrLinkLocal(host) || (ipaddr.isValid(host) ? !isAllowedAddress(host, allowPrivate) : !allowPrivate && local)) throw mcpTargetRefused(host, allowPrivate);
  return url;
}

export function mcpTargetRefused(host: string, allowPrivate: boolean): McpClientError {
  return mcpFailure('MCP_TARGET_REFUSED', [notice(allowPrivate ? 'mcpTest.targetNeverCalled' : 'mcpTest.targetRefused', { host: host.slice(0, 300) })]);
}
