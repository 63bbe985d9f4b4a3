import { request as plainRequest, type IncomingMessage } from 'node:http';
import { request as tlsRequest } from 'node:https';

export interface HttpCallInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Whole call: connect, send, read the answer. */
  timeoutMs: number;
}

/** What the agent reads of an answer (a subset of fetch's Response, so a fetch can stand in for tests). */
export interface HttpReply {
  ok: boolean;
  status: number;
  statusText: string;
  /** The answer's `Retry-After` header (a 429's or 503's), when it has one. */
  retryAfter?: string;
  /** The answer's `Date` header: the server's clock, to the second. */
  date?: string;
  json(): Promise<unknown>;
}

/** Answers of the agent API are small JSON documents; a larger one is refused rather than held in memory. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * One JSON call over HTTP(S) with Node's own client. The agent's heartbeats and command polls are a few small
 * calls a minute; fetch would load its whole implementation (undici), ≈ 8 MB more of an idle agent's memory.
 */
export function httpCall(url: string, init: HttpCallInit): Promise<HttpReply> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(new Error(`${target.protocol} is not an HTTP URL`));
  const request = target.protocol === 'https:' ? tlsRequest : plainRequest;
  const headers = { accept: 'application/json', ...init.headers, ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}) };
  return new Promise((resolve, reject) => {
    const call = request(target, { method: init.method ?? 'GET', headers }, (answer) => readAnswer(answer).then(resolve, reject));
    const timer = setTimeout(() => call.destroy(Object.assign(new Error(`no answer within ${init.timeoutMs} ms`), { code: 'ETIMEDOUT' })), init.timeoutMs);
    call.once('close', () => clearTimeout(timer));
    call.once('error', reject);
    call.end(init.body);
  });
}

async function readAnswer(answer: IncomingMessage): Promise<HttpReply> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of answer as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      answer.destroy();
      throw new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  const status = answer.statusCode ?? 0;
  const text = Buffer.concat(chunks).toString('utf8');
  const retryAfter = answer.headers['retry-after'];
  const date = answer.headers.date;
  return { ok: status >= 200 && status < 300, status, statusText: answer.statusMessage ?? '', ...(retryAfter ? { retryAfter } : {}), ...(date ? { date } : {}), json: async () => JSON.parse(text) as unknown };
}
