import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';

/**
 * One recorded exchange: what the client sent (method, path, the headers and JSON body fields that
 * matter) and what the server answered, byte for byte in `response.body`.
 */
export interface RecordedExchange {
  request: { method: string; path: string; headers?: Record<string, string>; json?: Record<string, unknown> };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

/** `{{name}}` in a fixture stands for a value only known when the test runs (a port, a token). */
const fill = (text: string, values: Record<string, string>) => text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);

/** Every field of `expected` is in `actual` with the same value (extra fields in `actual` are allowed). */
function contains(actual: unknown, expected: unknown): boolean {
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    return !!actual && typeof actual === 'object' && Object.entries(expected).every(([key, value]) => contains((actual as Record<string, unknown>)[key], value));
  }
  return isDeepStrictEqual(actual, expected);
}

export interface ReplayServer {
  url: string;
  /** Requests that did not match the next recorded exchange (answered 599), described. */
  mismatches: string[];
  /** Recorded exchanges not yet requested. */
  remaining(): number;
  close(): Promise<void>;
}

/**
 * A local HTTP server replaying a service's recorded wire protocol from a fixture file, in order: each
 * request must match the next exchange (method, path, the recorded headers, the recorded JSON fields) and
 * gets the recorded answer; anything else is answered 599 and remembered, so a test fails on it.
 */
export async function startReplayServer(fixture: URL, values: Record<string, string>): Promise<ReplayServer> {
  const mismatches: string[] = [];
  let exchanges: RecordedExchange[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const next = exchanges.shift();
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = text;
      }
      const problems: string[] = [];
      if (!next) problems.push('no more recorded exchanges');
      else {
        if (request.method !== next.request.method || request.url !== next.request.path) problems.push(`expected ${next.request.method} ${next.request.path}`);
        for (const [name, value] of Object.entries(next.request.headers ?? {})) if (request.headers[name.toLowerCase()] !== value) problems.push(`header ${name} differs`);
        if (next.request.json && !contains(json, next.request.json)) problems.push(`body ${text.slice(0, 300)} lacks ${JSON.stringify(next.request.json)}`);
      }
      if (problems.length || !next) {
        mismatches.push(`${request.method} ${request.url}: ${problems.join('; ')}`);
        response.writeHead(599, { 'content-type': 'text/plain' }).end('not in the recording\n');
        return;
      }
      response.writeHead(next.response.status, next.response.headers).end(typeof next.response.body === 'string' ? next.response.body : JSON.stringify(next.response.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const recording = JSON.parse(fill(await readFile(fixture, 'utf8'), { ...values, server: url })) as { exchanges: RecordedExchange[] };
  exchanges = recording.exchanges;
  return { url, mismatches, remaining: () => exchanges.length, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
