import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentError } from './agent-error.js';
import type { AgentConfig } from './agent-config.js';
import type { HomeLayout } from './agent-home.js';
import { httpCall, type HttpCallInit, type HttpReply } from './http-call.js';
import { writeJsonAtomic } from './json-file.js';
import type { Reason } from './reason.js';

export interface DeploymentReport {
  app: string;
  version: string;
  state: 'received' | 'rejected' | 'deploying' | 'healthy' | 'unhealthy' | 'rolled-back' | 'removed';
  reason?: Reason;
  /** `url`: where the app answers on this workstation, once healthy. */
  health?: { ok: boolean; detail?: string; notice?: { code: string; params: Record<string, string | number> }; latencyMs?: number; url?: string };
  logTail?: string;
  at?: string;
  /** The server's deployment this report is about, when the agent knows it (from a command). */
  deploymentId?: string;
}

export interface Heartbeat {
  version: string;
  os: string;
  runtimes: string[];
  apps: { name: string; version: string; state: string }[];
  /** The command types this agent runs; the server sends no other (an older agent names none and gets rollback and remove only). */
  commandTypes?: readonly ServerCommand['type'][];
}

/** Every command type this agent runs (command-runner.ts). */
export const COMMAND_TYPES = ['rollback', 'remove', 'logs'] as const satisfies readonly ServerCommand['type'][];

/** What the server asks this agent to do (delivered with heartbeats and command polls). */
export interface ServerCommand {
  id: string;
  type: 'rollback' | 'remove' | 'logs';
  app: string;
  version: string;
  deploymentId: string;
}

export interface CommandOutcome {
  state: 'done' | 'failed';
  reason?: Reason;
  logTail?: string;
}

/** One app's MCP tool call, forwarded as this agent (POST /api/v1/agents/mcp-calls). */
export interface McpCallRequest {
  app: string;
  version: string;
  server: string;
  tool: string;
  use: 'source' | 'output';
  arguments: Record<string, unknown>;
}

/** The server's answer as it came (the tool's answer, or a problem with its code), for the app to read. */
export interface McpCallAnswer {
  status: number;
  body: unknown;
  /** The server's Retry-After (seconds) of a call over the deployment's limit, passed on to the app. */
  retryAfter?: string;
}

export interface ServerClient {
  /** Sends now, or queues on disk when the server cannot be reached (sent by `flush`). */
  report(report: DeploymentReport): Promise<'sent' | 'queued'>;
  heartbeat(beat: Heartbeat): Promise<{ serverTime: string; keyListVersion: number; commands?: ServerCommand[] }>;
  /** The light poll between heartbeats: commands to run now. */
  commands(): Promise<ServerCommand[]>;
  /** Closes a command: done (a logs command with the app's latest lines), or failed with the reason. */
  closeCommand(id: string, outcome: CommandOutcome): Promise<void>;
  keys(): Promise<{ keyList: string; keyListVersion: number; rootFingerprint: string }>;
  /**
   * Whether the server takes this agent's credentials, changing nothing there (no heartbeat: that
   * would replace the running agent's inventory and take its commands): the key list version and the
   * server's clock (its Date header).
   */
  check(): Promise<{ keyListVersion: number; serverTime: string | undefined }>;
  /** Enrols this agent to report by mail: the Ed25519 public key its status mails are signed with. */
  registerReportKey(publicKey: string): Promise<void>;
  /** Forwards an app's MCP tool call; refusals are answered as they came, an unreachable server as 503. */
  callMcpTool(call: McpCallRequest): Promise<McpCallAnswer>;
  /** Sends queued reports in order; stops at the first that still cannot be sent. */
  flush(): Promise<number>;
  queued(): Promise<number>;
}

const TIMEOUT_MS = 5000;
const MCP_CALL_TIMEOUT_MS = 100_000;

/** The agent's side of the HTTP API: client-credentials token (cached until shortly before it expires), reports, heartbeats, keys. */
export function createServerClient(config: AgentConfig, layout: HomeLayout, options: { request?: (url: string, init: HttpCallInit) => Promise<HttpReply> } = {}): ServerClient {
  const request = options.request ?? httpCall;
  let token: { value: string; expiresAt: number } | undefined;
  const base = config.serverUrl.replace(/\/$/, '');

  async function send(path: string, init: Omit<HttpCallInit, 'timeoutMs'>, timeoutMs = TIMEOUT_MS): Promise<HttpReply> {
    try {
      return await request(`${base}${path}`, { ...init, timeoutMs });
    } catch (error) {
      throw new AgentError('SERVER_UNREACHABLE', `The marketplace server ${base} cannot be reached (${String((error as NodeJS.ErrnoException).code ?? (error as Error).message)}); check the network and the server URL.`, { cause: error });
    }
  }

  async function accessToken(): Promise<string> {
    if (token && token.expiresAt > Date.now() + 30_000) return token.value;
    const response = await send('/api/v1/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: config.clientId, client_secret: config.clientSecret }),
    });
    if (!response.ok) throw new AgentError('SERVER_REFUSED', `The server refused the agent's credentials (${response.status}): ${await problemText(response)} Enrol the agent again.`);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    token = { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    return token.value;
  }

  /** One authenticated call; a 401 (token expired early, server restarted) takes a new token once. */
  async function authorized(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<HttpReply> {
    const headers: Record<string, string> = { authorization: `Bearer ${await accessToken()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init = { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) };
    let response = await send(path, init, timeoutMs);
    if (response.status === 401) {
      token = undefined;
      headers.authorization = `Bearer ${await accessToken()}`;
      response = await send(path, init, timeoutMs);
    }
    return response;
  }

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await authorized(method, path, body);
    if (!response.ok) throw new AgentError('SERVER_REFUSED', `${method} ${path} was refused (${response.status}): ${await problemText(response)}`);
    return (await response.json()) as T;
  }

  async function queuedFiles(): Promise<string[]> {
    try {
      return (await readdir(layout.outbox)).filter((name) => name.endsWith('.json')).sort();
    } catch {
      return [];
    }
  }

  async function enqueue(report: DeploymentReport): Promise<void> {
    await mkdir(layout.outbox, { recursive: true, mode: 0o700 });
    await writeJsonAtomic(join(layout.outbox, `${Date.now().toString().padStart(15, '0')}-${randomBytes(3).toString('hex')}.json`), report);
  }

  const client: ServerClient = {
    async report(report) {
      const stamped = { ...report, at: report.at ?? new Date().toISOString() };
      if ((await queuedFiles()).length > 0) {
        // keep the order: older queued reports go first
        await enqueue(stamped);
        await client.flush();
        return (await queuedFiles()).length > 0 ? 'queued' : 'sent';
      }
      try {
        await call('POST', '/api/v1/agents/reports', stamped);
        return 'sent';
      } catch (error) {
        if ((error as AgentError).code === 'SERVER_UNREACHABLE' || /\((5\d\d|429)\)/.test((error as Error).message)) {
          await enqueue(stamped);
          return 'queued';
        }
        throw error;
      }
    },
    heartbeat: (beat) => call('POST', '/api/v1/agents/heartbeat', { commandTypes: COMMAND_TYPES, ...beat }),
    keys: () => call('GET', '/api/v1/keys'),
    async check() {
      const response = await authorized('GET', '/api/v1/keys');
      if (!response.ok) throw new AgentError('SERVER_REFUSED', `GET /api/v1/keys was refused (${response.status}): ${await problemText(response)}`);
      const body = (await response.json()) as { keyListVersion: number };
      return { keyListVersion: body.keyListVersion, serverTime: response.date };
    },
    registerReportKey: async (publicKey) => void (await call('PUT', '/api/v1/agents/report-key', { reportKey: publicKey })),
    commands: async () => (await call<{ commands: ServerCommand[] }>('GET', `/api/v1/agents/commands?types=${COMMAND_TYPES.join(',')}`)).commands,
    async closeCommand(id, outcome) {
      await call('POST', `/api/v1/agents/commands/${encodeURIComponent(id)}`, outcome);
    },
    async flush() {
      let sent = 0;
      for (const name of await queuedFiles()) {
        const path = join(layout.outbox, name);
        const report = JSON.parse(await readFile(path, 'utf8')) as DeploymentReport;
        try {
          await call('POST', '/api/v1/agents/reports', report);
        } catch (error) {
          if ((error as AgentError).code === 'SERVER_UNREACHABLE' || /\((5\d\d|429)\)/.test((error as Error).message)) break;
          // refused for good (e.g. invalid): drop it rather than block the queue forever
        }
        await unlink(path);
        sent += 1;
      }
      return sent;
    },
    queued: async () => (await queuedFiles()).length,
    async callMcpTool(mcpCall) {
      try {
        // the server bounds a tool call by MCP_CALL_TIMEOUT_MS (default 30 s) per step; wait a little longer
        const response = await authorized('POST', '/api/v1/agents/mcp-calls', mcpCall, MCP_CALL_TIMEOUT_MS);
        const body = await response.json().catch(() => ({ code: 'SERVER_REFUSED', detail: response.statusText }));
        return { status: response.status, body, ...(response.retryAfter && /^\d{1,6}$/.test(response.retryAfter) ? { retryAfter: response.retryAfter } : {}) };
      } catch (error) {
        // refused credentials (a revoked agent): the gateway's upstream said no; anything else: it cannot be reached now
        const code = (error as AgentError).code === 'SERVER_REFUSED' ? 'SERVER_REFUSED' : 'SERVER_UNREACHABLE';
        return { status: code === 'SERVER_REFUSED' ? 502 : 503, body: { code, detail: (error as Error).message } };
      }
    },
  };
  return client;
}

async function problemText(response: HttpReply): Promise<string> {
  try {
    const body = (await response.json()) as { detail?: string; code?: string };
    return body.detail ?? body.code ?? response.statusText;
  } catch {
    return response.statusText;
  }
}
