import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Responses recorded from the OpenAI API (packages/llm/test/fixtures), replayed with the content each test needs. */
const FIXTURES = fileURLToPath(new URL('../../../packages/llm/test/fixtures/openai/', import.meta.url));
const recorded = (name: string) => readFileSync(FIXTURES + name, 'utf8');

export interface SeenRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export interface OpenAiWireServer {
  url: string;
  seen: SeenRequest[];
  /** What the next structured (json_schema) answers contain; the last one repeats. */
  structured: string[];
  /** What chat answers say. */
  chat: string;
  /** Streams stop after the first word until this resolves (shows whether tokens pass through unbuffered). */
  holdStream: Promise<void> | null;
  /** Streams break off (the connection is destroyed) after this many words. */
  dropStreamAfter: number | null;
  close(): Promise<void>;
}

function completion(content: string): string {
  const body = JSON.parse(recorded('chat-completion.json'));
  body.choices[0].message.content = content;
  return JSON.stringify(body);
}

/** The recorded stream, with its text deltas replaced by `words` (one chunk each), as SSE events. */
function streamEvents(text: string): { head: string[]; deltas: string[]; tail: string[] } {
  const events = recorded('chat-completion-stream.sse').split('\n\n').filter((e) => e.trim());
  const template = JSON.parse(events[1]!.slice('data: '.length));
  const words = text.match(/\S+\s*/g) ?? [text];
  const deltas = words.map((word) => `data: ${JSON.stringify({ ...template, choices: [{ ...template.choices[0], delta: { content: word } }] })}`);
  const tail = events.filter((e) => !/"delta":\{"content"/.test(e) && !/"role":"assistant"/.test(e));
  return { head: [events[0]!], deltas, tail };
}

async function writeStream(res: import('node:http').ServerResponse, text: string, options: { hold: Promise<void> | null; dropAfter: number | null }): Promise<void> {
  const { head, deltas, tail } = streamEvents(text);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const event of head) res.write(`${event}\n\n`);
  for (const [index, event] of deltas.entries()) {
    if (options.dropAfter !== null && index >= options.dropAfter) {
      res.destroy();
      return;
    }
    res.write(`${event}\n\n`);
    if (index === 0 && options.hold) await options.hold;
  }
  res.end(tail.map((event) => `${event}\n\n`).join(''));
}

/** A local HTTP server speaking the OpenAI Chat Completions wire protocol from recorded responses. */
export async function startOpenAiWireServer(): Promise<OpenAiWireServer> {
  const state = { structured: [] as string[], chat: 'Recorded answer.', holdStream: null as Promise<void> | null, dropStreamAfter: null as number | null };
  const seen: SeenRequest[] = [];
  let structuredIndex = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? JSON.parse(text) : null;
      seen.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.method === 'GET' && req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(recorded('models.json'));
        return;
      }
      if (body?.stream) {
        void writeStream(res, state.chat, { hold: state.holdStream, dropAfter: state.dropStreamAfter });
        return;
      }
      const content = body?.response_format ? (api.structured[Math.min(structuredIndex++, api.structured.length - 1)] ?? '{}') : api.chat;
      res.writeHead(200, { 'content-type': 'application/json' }).end(completion(content));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const api: OpenAiWireServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    seen,
    get structured() {
      return state.structured;
    },
    set structured(value: string[]) {
      state.structured = value;
      structuredIndex = 0;
    },
    get chat() {
      return state.chat;
    },
    set chat(value: string) {
      state.chat = value;
    },
    get holdStream() {
      return state.holdStream;
    },
    set holdStream(value: Promise<void> | null) {
      state.holdStream = value;
    },
    get dropStreamAfter() {
      return state.dropStreamAfter;
    },
    set dropStreamAfter(value: number | null) {
      state.dropStreamAfter = value;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  return api;
}
