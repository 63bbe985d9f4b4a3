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
  close(): Promise<void>;
}

function completion(content: string): string {
  const body = JSON.parse(recorded('chat-completion.json'));
  body.choices[0].message.content = content;
  return JSON.stringify(body);
}

/** The recorded stream, with its text deltas replaced by `words` (one chunk each). */
function stream(text: string): string {
  const events = recorded('chat-completion-stream.sse').split('\n\n').filter((e) => e.trim());
  const template = JSON.parse(events[1]!.slice('data: '.length));
  const words = text.match(/\S+\s*/g) ?? [text];
  const deltas = words.map((word) => `data: ${JSON.stringify({ ...template, choices: [{ ...template.choices[0], delta: { content: word } }] })}`);
  const tail = events.filter((e) => !/"delta":\{"content"/.test(e) && !/"role":"assistant"/.test(e));
  return [events[0], ...deltas, ...tail].join('\n\n') + '\n\n';
}

/** A local HTTP server speaking the OpenAI Chat Completions wire protocol from recorded responses. */
export async function startOpenAiWireServer(): Promise<OpenAiWireServer> {
  const state = { structured: [] as string[], chat: 'Recorded answer.' };
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
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }).end(stream(state.chat));
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
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  return api;
}
