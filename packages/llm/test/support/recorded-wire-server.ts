import { afterEach, beforeEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Reads a recorded response from test/fixtures (e.g. `openai/chat-completion.json`). */
export function fixture(name: string): string {
  return readFileSync(FIXTURES + name, 'utf8');
}

/** How the server answers one request. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** A recorded response under test/fixtures; `.sse` and `.ndjson` are streamed chunk by chunk. */
  fixture?: string;
  body?: string;
  /** Wait before the status line (a slow server). */
  delayMs?: number;
  /** Streaming: wait after the headers before the first chunk (a slow first token). */
  firstChunkDelayMs?: number;
  /** Streaming: wait between chunks. */
  chunkDelayMs?: number;
  /** Streaming: send only this many chunks, then cut the connection. */
  cutAfterChunks?: number;
  /** Never answer (the client has to time out). */
  hang?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export interface WireServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queues replies for METHOD PATH; the last one repeats. */
  on(method: string, path: string, ...replies: Reply[]): void;
  requestsTo(path: string): RecordedRequest[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function contentType(name: string | undefined): string {
  if (name?.endsWith('.sse')) return 'text/event-stream';
  if (name?.endsWith('.ndjson')) return 'application/x-ndjson';
  if (name?.endsWith('.html')) return 'text/html';
  return 'application/json';
}

/** SSE events are separated by a blank line; NDJSON objects by a newline. */
function chunksOf(name: string, text: string): string[] {
  if (name.endsWith('.sse')) return text.split(/(?<=\n\n)/).filter((c) => c.trim().length > 0);
  return text.split(/(?<=\n)/).filter((c) => c.trim().length > 0);
}

async function answer(res: ServerResponse, reply: Reply): Promise<void> {
  if (reply.hang) return;
  if (reply.delayMs) await sleep(reply.delayMs);
  const text = reply.fixture ? fixture(reply.fixture) : (reply.body ?? '');
  const streamed = reply.fixture !== undefined && /\.(sse|ndjson)$/.test(reply.fixture);
  res.writeHead(reply.status ?? 200, { 'content-type': contentType(reply.fixture), ...(streamed ? { 'cache-control': 'no-cache' } : {}), ...reply.headers });
  if (!streamed) {
    res.end(text);
    return;
  }
  res.flushHeaders();
  if (reply.firstChunkDelayMs) await sleep(reply.firstChunkDelayMs);
  const chunks = chunksOf(reply.fixture!, text);
  for (const [index, chunk] of chunks.entries()) {
    if (index > 0 && reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    if (res.destroyed) return;
    if (reply.cutAfterChunks !== undefined && index >= reply.cutAfterChunks) {
      res.socket?.destroy();
      return;
    }
    res.write(chunk);
  }
  res.end();
}

/**
 * A local HTTP server on 127.0.0.1 and a free port that replays recorded responses in the
 * providers' wire formats, and records every request it receives.
 */
export async function startWireServer(): Promise<WireServer> {
  const routes = new Map<string, Reply[]>();
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {}
      const path = (req.url ?? '/').split('?')[0]!;
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      const queue = routes.get(`${req.method} ${path}`);
      if (!queue || queue.length === 0) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `no recorded reply for ${req.method} ${path}` }));
        return;
      }
      const reply = queue.length > 1 ? queue.shift()! : queue[0]!;
      answer(res, reply).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(method, path, ...replies) {
      routes.set(`${method} ${path}`, replies);
    },
    requestsTo: (path) => requests.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A fresh recorded wire-protocol server for every test of the file, closed after it. The handle forwards
 * to the current test's server, so it can be used in helpers declared at the top of the file.
 */
export function useWireServer(setup?: (server: WireServer) => void): WireServer {
  let current: WireServer | undefined;
  beforeEach(async () => {
    current = await startWireServer();
    setup?.(current);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return new Proxy({} as WireServer, {
    get(_target, key) {
      if (!current) throw new Error('The recorded wire server runs only inside a test (useWireServer starts it in beforeEach).');
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
