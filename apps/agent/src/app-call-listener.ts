import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import type { HomeLayout } from './agent-home.js';
import { ensureAppCallsState, saveAppCallsState, verifyAppToken } from './app-calls.js';
import type { McpCallAnswer, McpCallRequest } from './server-client.js';

/** An MCP call's arguments are a small JSON object; anything larger is refused before it is read whole. */
const MAX_BODY_BYTES = 256 * 1024;

const callSchema = z
  .object({
    server: z.string().min(1).max(63),
    tool: z.string().min(1).max(128),
    use: z.enum(['source', 'output']),
    arguments: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export interface AppCallListenerOptions {
  layout: HomeLayout;
  /** Whether this version of the app runs here now (current, or being health-checked). */
  runs(app: string, version: string): boolean;
  /** Forwards the call to the server as this agent. */
  forward(call: McpCallRequest): Promise<McpCallAnswer>;
  log: (message: string) => void;
}

export interface AppCallListener {
  port: number;
  close(): Promise<void>;
}

/**
 * Where the agent's apps call the MCP tools their spec declares: `POST /mcp/call` on 127.0.0.1, with
 * `Authorization: Bearer $MARKETPLACE_APP_TOKEN`. The token proves which app and version calls; the
 * agent forwards only for a version it runs now, and the server checks the rest (deployment,
 * declared tools, MCP server, policy) and audits. Browsers are refused (any Origin header), so a web
 * page cannot use a token it somehow learnt. The port is kept across restarts (apps the agent adopts
 * keep their URL); when it is taken, another is chosen and apps started from then on get it.
 */
export async function startAppCallListener(options: AppCallListenerOptions): Promise<AppCallListener> {
  const state = await ensureAppCallsState(options.layout);
  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      options.log(`APP_CALL_FAILED: ${error.message}`);
      if (!response.headersSent) send(response, 500, { code: 'APP_CALL_FAILED', detail: 'The agent could not handle the call; see its log.' });
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 10_000;

  async function handle(request: IncomingMessage, response: ServerResponse) {
    if (request.method !== 'POST' || request.url !== '/mcp/call') return send(response, 404, { code: 'NOT_FOUND', detail: 'The agent answers POST /mcp/call only.' });
    if (request.headers.origin !== undefined) return send(response, 403, { code: 'ORIGIN_REFUSED', detail: 'Browsers may not call the agent; only the apps it runs may.' });
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const caller = bearer ? verifyAppToken(state.key, bearer) : null;
    if (!caller) return send(response, 401, { code: 'APP_TOKEN_INVALID', detail: 'Send Authorization: Bearer $MARKETPLACE_APP_TOKEN (the token the agent gave this app).' });
    if (!options.runs(caller.app, caller.version)) return send(response, 403, { code: 'APP_NOT_RUNNING', detail: `${caller.app} ${caller.version} does not run on this agent (removed or replaced); it can no longer call tools.` });
    const text = await readBody(request);
    if (text === null) return send(response, 413, { code: 'BODY_TOO_LARGE', detail: `The call is larger than ${MAX_BODY_BYTES} bytes; send smaller arguments.` });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return send(response, 400, { code: 'VALIDATION_FAILED', detail: 'The body is not JSON: send {"server", "tool", "use", "arguments"}.' });
    }
    const parsed = callSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return send(response, 400, { code: 'VALIDATION_FAILED', detail: `${issue.path.join('.') || 'body'}: ${issue.message}` });
    }
    const answer = await options.forward({ app: caller.app, version: caller.version, ...parsed.data });
    // over the deployment's limit (MCP_APP_CALLS_PER_MINUTE on the server): the app hears when to retry
    send(response, answer.status, answer.body, answer.retryAfter ? { 'retry-after': answer.retryAfter } : {});
  }

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(state.port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || state.port === 0) throw error;
    options.log(`APP_CALL_PORT_CHANGED: port ${state.port} is taken; apps started from now on call the agent on another port (restart older ones)`);
    await listen(0);
  }
  const port = (server.address() as AddressInfo).port;
  if (port !== state.port) await saveAppCallsState(options.layout, { ...state, port });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The listener, started the first time an app that declares MCP tools is about to run (an agent without such apps never listens). */
export interface LazyAppCallListener {
  /** Starts listening (once; a failed start is tried again next time) before such an app starts. */
  ensure(): Promise<void>;
  /** The port apps call on; 0 until started. */
  readonly port: number;
  close(): Promise<void>;
}

export function lazyAppCallListener(options: AppCallListenerOptions): LazyAppCallListener {
  let starting: Promise<AppCallListener> | null = null;
  let listener: AppCallListener | null = null;
  return {
    ensure() {
      starting ??= startAppCallListener(options).then(
        (started) => (listener = started),
        (error: unknown) => {
          starting = null;
          throw error;
        },
      );
      return starting.then(() => undefined);
    },
    get port() {
      return listener?.port ?? 0;
    },
    async close() {
      await (starting ?? Promise.resolve(null)).catch(() => null);
      await listener?.close();
    },
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

async function readBody(request: IncomingMessage): Promise<string | null> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
