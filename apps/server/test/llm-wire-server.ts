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
  /** What chat answers say: a text, or computed from the request body (e.g. from the tool results it carries). */
  chat: string | ((body: any) => string);
  /** Tool calls the next requests that offer `tools` answer with (one per request, in the recorded tool-call format), before chat answers resume. */
  toolCalls: { name: string; arguments: string }[];
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

/** The recorded tool-call response (finish_reason tool_calls), asking for `call` with a fresh call id. */
function toolCallCompletion(call: { name: string; arguments: string }, index: number): string {
  const body = JSON.parse(recorded('chat-completion-tool-call.json'));
  const [recordedCall] = body.choices[0].message.tool_calls;
  body.choices[0].message.tool_calls = [{ ...recordedCall, id: `${recordedCall.id.slice(0, -2)}${String(index).padStart(2, '0')}`, function: { name: call.name, arguments: call.arguments } }];
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
  const state = { structured: [] as string[], chat: 'Recorded answer.' as OpenAiWireServer['chat'], toolCalls: [] as OpenAiWireServer['toolCalls'], holdStream: null as Promise<void> | null, dropStreamAfter: null as number | null };
  const seen: SeenRequest[] = [];
  let structuredIndex = 0;
  let toolCallIndex = 0;
  const chatText = (body: any) => (typeof state.chat === 'function' ? state.chat(body) : state.chat);
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
        void writeStream(res, chatText(body), { hold: state.holdStream, dropAfter: state.dropStreamAfter });
        return;
      }
      const toolCall = body?.tools?.length ? state.toolCalls.shift() : undefined;
      if (toolCall) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(toolCallCompletion(toolCall, ++toolCallIndex));
        return;
      }
      const content = body?.response_format ? (api.structured[Math.min(structuredIndex++, api.structured.length - 1)] ?? '{}') : chatText(body);
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
    set chat(value: OpenAiWireServer['chat']) {
      state.chat = value;
    },
    get toolCalls() {
      return state.toolCalls;
    },
    set toolCalls(value: OpenAiWireServer['toolCalls']) {
      state.toolCalls = value;
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
