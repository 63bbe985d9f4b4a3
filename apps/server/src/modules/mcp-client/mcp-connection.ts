import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { guardedLookup } from '../webhooks/webhook-post.js';
import { notice } from '../../http/notice.js';
import { mcpFailure, McpClientError } from './mcp-client-error.js';
import type { McpTransport } from './mcp-client-tables.js';
import { checkMcpUrl, mcpTargetRefused } from './mcp-target.js';

/** A registered server as a connection needs it, credentials opened. */
export interface McpTarget {
  name: string;
  transport: McpTransport;
  url: string | null;
  command: string | null;
  args: string[];
  /** http: request headers; stdio: environment variables of the child. */
  secrets: Record<string, string>;
}

export interface McpLimits {
  /** Each of connect, list and call must answer within this. */
  timeoutMs: number;
  /** A tool answer larger than this (as JSON) is refused. */
  maxOutputBytes: number;
  allowPrivateTargets: boolean;
  stdioAllowed: boolean;
}

export interface McpToolInfo {
  name: string;
  title: string | null;
  description: string | null;
  inputSchema: Record<string, unknown>;
}

export interface McpToolAnswer {
  /** The server's own "the tool failed" answer: an expected outcome, returned as a value. */
  isError: boolean;
  content: unknown[];
  structuredContent: Record<string, unknown> | null;
  bytes: number;
}

const CLIENT_INFO = { name: 'marketplace', version: '1.0.0' };
/** What a stdio child may write to stderr that is kept for the error message (the rest is dropped). */
const STDERR_KEPT = 2000;
const agents = new Map<boolean, Agent>();

/** fetch that connects only to allowed addresses (checked after DNS) and stops reading an answer past `maxBytes`. */
function guardedFetch(allowPrivate: boolean, maxBytes: number) {
  let agent = agents.get(allowPrivate);
  if (!agent) agents.set(allowPrivate, (agent = new Agent({ connect: { lookup: guardedLookup(allowPrivate) } })));
  const dispatcher = agent;
  return async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const response = (await undiciFetch(url, { ...(init as object), dispatcher })) as unknown as Response;
    if (!response.body) return response;
    let seen = 0;
    const limited = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > maxBytes) controller.error(mcpFailure('MCP_OUTPUT_TOO_LARGE', [notice('mcpTest.outputTooLarge', { bytes: maxBytes })]));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(limited, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

function transportFor(target: McpTarget, limits: McpLimits): { transport: Transport; stderr: () => string } {
  if (target.transport === 'stdio') {
    if (!limits.stdioAllowed) throw mcpFailure('MCP_STDIO_DISABLED', [notice('mcpTest.stdioDisabled', { server: target.name })]);
    const transport = new StdioClientTransport({ command: target.command!, args: target.args, env: { ...getDefaultEnvironment(), ...target.secrets }, stderr: 'pipe', maxBufferSize: limits.maxOutputBytes * 2 + 65_536 });
    let kept = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      if (kept.length < STDERR_KEPT) kept = (kept + chunk.toString('utf8')).slice(0, STDERR_KEPT);
    });
    return { transport, stderr: () => kept.trim() };
  }
  const url = checkMcpUrl(target.url ?? '', limits.allowPrivateTargets);
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers: target.secrets, redirect: 'error' }, fetch: guardedFetch(limits.allowPrivateTargets, limits.maxOutputBytes * 2 + 65_536) });
  return { transport, stderr: () => '' };
}

function causes(error: unknown): unknown[] {
  const list: unknown[] = [];
  for (let current = error; current && list.length < 6; current = (current as { cause?: unknown }).cause) list.push(current);
  return list;
}

/** Turns what the SDK, the child process or the network threw into one McpClientError with a code. */
function explain(error: unknown, target: McpTarget, stage: 'connect' | 'call', limits: McpLimits, stderr: string): McpClientError {
  const chain = causes(error);
  const known = chain.find((e): e is McpClientError => e instanceof McpClientError);
  if (known) return known;
  if (chain.some((e) => (e as { code?: unknown }).code === 'TARGET_REFUSED')) return mcpTargetRefused(target.url ? new URL(target.url).hostname : target.name, limits.allowPrivateTargets);
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return mcpFailure('MCP_TIMEOUT', [notice('mcpTest.timeout', { server: target.name, ms: limits.timeoutMs })], error);
  }
  const spawn = chain.find((e) => (e as { code?: unknown }).code === 'ENOENT' || (e as { code?: unknown }).code === 'EACCES') as { code: string } | undefined;
  if (spawn && target.transport === 'stdio') return mcpFailure('MCP_CONNECT_FAILED', [notice('mcpTest.cannotStart', { command: target.command ?? '', server: target.name, error: spawn.code })], error);
  // what the server or the network said is quoted as it is: it is no sentence of ours to translate
  const said = (error instanceof Error ? error.message : String(error)).slice(0, 300);
  const output = stderr ? [notice('mcpTest.errorOutput', { output: stderr.slice(-500) })] : [];
  return stage === 'connect'
    ? mcpFailure('MCP_CONNECT_FAILED', [notice('mcpTest.connectFailed', { server: target.name, detail: said }), ...output], error)
    : mcpFailure('MCP_CALL_FAILED', [notice('mcpTest.callFailed', { server: target.name, detail: said }), ...output], error);
}

/** Connects, lets `use` talk to the server, and always closes (a stdio child is ended). */
export async function withMcpClient<T>(target: McpTarget, limits: McpLimits, use: (client: Client) => Promise<T>): Promise<T> {
  const { transport, stderr } = transportFor(target, limits);
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  try {
    try {
      await client.connect(transport, { timeout: limits.timeoutMs });
    } catch (error) {
      throw explain(error, target, 'connect', limits, stderr());
    }
    try {
      return await use(client);
    } catch (error) {
      throw explain(error, target, 'call', limits, stderr());
    }
  } finally {
    await client.close().catch(() => undefined);
  }
}

export function listMcpTools(target: McpTarget, limits: McpLimits): Promise<McpToolInfo[]> {
  return withMcpClient(target, limits, async (client) => {
    const { tools } = await client.listTools(undefined, { timeout: limits.timeoutMs });
    return tools.map((tool) => ({ name: tool.name, title: tool.title ?? null, description: tool.description ?? null, inputSchema: tool.inputSchema as Record<string, unknown> }));
  });
}

export function callMcpTool(target: McpTarget, limits: McpLimits, tool: string, args: Record<string, unknown>): Promise<McpToolAnswer> {
  return withMcpClient(target, limits, async (client) => {
    const result = await client.callTool({ name: tool, arguments: args }, undefined, { timeout: limits.timeoutMs, maxTotalTimeout: limits.timeoutMs });
    const bytes = Buffer.byteLength(JSON.stringify(result));
    if (bytes > limits.maxOutputBytes) throw new McpClientError('MCP_OUTPUT_TOO_LARGE', `The tool "${tool}" of "${target.name}" answered ${bytes} bytes, more than MCP_MAX_OUTPUT_BYTES (${limits.maxOutputBytes}); ask it for less or raise the limit.`);
    const content = Array.isArray(result.content) ? (result.content as unknown[]) : [];
    return { isError: Boolean(result.isError), content, structuredContent: (result.structuredContent as Record<string, unknown> | undefined) ?? null, bytes };
  });
}
