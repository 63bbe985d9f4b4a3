import { sql } from 'kysely';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { startOpenAiWireServer, type OpenAiWireServer } from './llm-wire-server.js';

/** The streaming variant of the conversation routes, read over a real socket by a real SSE parser. */
interface Streamed {
  status: number;
  headers: Headers;
  events: { event: string; data: any; at: number }[];
}

async function stream(base: string, account: Account, path: string, payload: object, onEvent?: (event: EventSourceMessage) => void): Promise<Streamed> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${account.token}`, accept: 'text/event-stream', 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  const events: Streamed['events'] = [];
  const parser = createParser({
    onEvent: (event) => {
      events.push({ event: event.event ?? 'message', data: JSON.parse(event.data), at: Date.now() });
      onEvent?.(event);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
  return { status: response.status, headers: response.headers, events };
}

const deltasOf = (s: Streamed) => s.events.filter((e) => e.event === 'delta').map((e) => e.data.text as string);
const withoutId = ({ id: _id, ...rest }: Record<string, unknown>) => rest;

describe('streamed conversation turns with the built-in engine', () => {
  let t: TestApp;
  let base: string;
  let member: Account;
  beforeAll(async () => {
    t = await createTestApp();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const admin = await register(t.app, { organization: 'Stream Org' });
    member = await addUser(t.app, admin, ['member']);
  });
  afterAll(async () => t?.close());

  it('sends the reply word by word, then the same turn the JSON route answers', async () => {
    const text = 'I need a form for team lunch orders';
    const streamed = await stream(base, member, '/api/v1/conversations', { text });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    // the security headers set before the stream opened are still there
    expect(streamed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(streamed.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(streamed.events.map((e) => e.event).at(-1)).toBe('turn');
    const turn = streamed.events.at(-1)!.data;
    const deltas = deltasOf(streamed);
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.every((piece) => piece.trim().split(/\s+/).length === 1)).toBe(true);
    expect(deltas.join('')).toBe(turn.reply);

    const json = await call(t.app, member, { method: 'POST', url: '/api/v1/conversations', payload: { text } });
    expect(json.statusCode).toBe(201);
    expect(turn.id).toEqual(expect.any(String));
    expect(withoutId(turn)).toEqual(withoutId(json.json()));

    // the next message, streamed and not, on two conversations in the same state
    const follow = 'fields: name, dish, date';
    const next = await stream(base, member, `/api/v1/conversations/${turn.id}/messages`, { text: follow });
    const nextJson = await call(t.app, member, { method: 'POST', url: `/api/v1/conversations/${json.json().id}/messages`, payload: { text: follow } });
    const nextTurn = next.events.at(-1)!;
    expect(nextTurn.event).toBe('turn');
    expect(deltasOf(next).join('')).toBe(nextTurn.data.reply);
    expect(withoutId(nextTurn.data)).toEqual(withoutId(nextJson.json()));
    expect(nextTurn.data.state).toBe('ready');
  });

  it('ends with an error event carrying the problem body when the turn fails after the reply began', async () => {
    const db = t.database.db;
    await sql`CREATE FUNCTION refuse_messages() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`.execute(db);
    await sql`CREATE TRIGGER refuse_messages BEFORE INSERT ON conversation_messages FOR EACH ROW EXECUTE FUNCTION refuse_messages()`.execute(db);
    let streamed: Streamed;
    try {
      streamed = await stream(base, member, '/api/v1/conversations', { text: 'I need a dashboard of open support tickets' });
    } finally {
      await sql`DROP TRIGGER refuse_messages ON conversation_messages`.execute(db);
      await sql`DROP FUNCTION refuse_messages()`.execute(db);
    }
    expect(streamed.status).toBe(200);
    expect(deltasOf(streamed).length).toBeGreaterThan(0);
    const last = streamed.events.at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data).toMatchObject({ status: 500, code: 'INTERNAL', title: 'Internal Server Error', type: expect.stringContaining('internal'), requestId: expect.any(String) });
    expect(JSON.stringify(last.data)).not.toContain('disk full');
    expect(streamed.events.some((e) => e.event === 'turn')).toBe(false);
  });

  it('answers problems found before the stream opens with their own status', async () => {
    const ask = (path: string, payload: object) => fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${member.token}`, accept: 'text/event-stream', 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    const invalid = await ask('/api/v1/conversations', { text: '   ' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    expect(await invalid.json()).toMatchObject({ code: 'VALIDATION_FAILED', detail: expect.stringContaining('write a message') });
    const unknown = await ask('/api/v1/conversations/4b8f1f8e-6b0a-4f7e-9d1e-2f2b8b7a9c10/messages', { text: 'hello' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('streamed conversation turns through the LLM gateway (recorded wire-protocol server)', () => {
  let t: TestApp;
  let base: string;
  let wire: OpenAiWireServer;
  let member: Account;
  const SPEC = { specVersion: 1, name: 'invoice-tracker', title: 'Invoice tracker', summary: 'Track open invoices by customer.', kind: 'web-dashboard', entities: [{ name: 'invoice', fields: [{ name: 'customer', type: 'string' }, { name: 'amount', type: 'number' }] }], sources: [{ type: 'csv', path: 'data/invoices.csv' }], outputs: [{ type: 'dashboard' }] };

  beforeAll(async () => {
    wire = await startOpenAiWireServer();
    t = await createTestApp();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const admin = await register(t.app, { organization: 'Stream LLM Org' });
    member = await addUser(t.app, admin, ['member']);
    const put = await call(t.app, admin, { method: 'PUT', url: '/api/v1/llm/providers', payload: { providers: [{ id: 'local', kind: 'openai-compatible', baseUrl: wire.url, apiKey: 'sk-test-stream-0123456789', defaultModel: 'gpt-4o-mini' }], active: 'local' } });
    if (put.statusCode !== 200) throw new Error(put.body);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await wire?.close();
  });
  beforeEach(() => {
    wire.structured = [JSON.stringify(SPEC)];
    wire.holdStream = null;
    wire.dropStreamAfter = null;
  });

  it('passes the model’s tokens on as they arrive, not when the answer is complete', async () => {
    wire.chat = 'The model is still writing this answer.';
    let release!: () => void;
    wire.holdStream = new Promise<void>((resolve) => (release = resolve));
    let firstAt = 0;
    const streamed = await stream(base, member, '/api/v1/conversations', { text: 'Dashboard of overdue invoices from data/invoices.csv' }, (event) => {
      if (event.event === 'delta' && !firstAt) {
        firstAt = Date.now();
        // the provider holds the rest of its answer until the first token has reached the client
        release();
      }
    });
    expect(firstAt).toBeGreaterThan(0);
    const turn = streamed.events.at(-1)!;
    expect(turn.event).toBe('turn');
    expect(deltasOf(streamed)[0]).toBe('The ');
    expect(deltasOf(streamed).join('')).toBe('The model is still writing this answer.');
    expect(turn.data.reply).toBe('The model is still writing this answer.');

    wire.holdStream = null;
    const json = await call(t.app, member, { method: 'POST', url: '/api/v1/conversations', payload: { text: 'Dashboard of overdue invoices from data/invoices.csv' } });
    expect(withoutId(turn.data)).toEqual(withoutId(json.json()));
  });

  it('keeps what the model said when it stops mid-answer, then adds the built-in reply; the pieces still make up the reply', async () => {
    wire.chat = 'Here is what your dashboard will show and more.';
    wire.dropStreamAfter = 3;
    let release!: () => void;
    wire.holdStream = new Promise<void>((resolve) => (release = resolve));
    const streamed = await stream(base, member, '/api/v1/conversations', { text: 'Unpaid invoices per customer, from data/invoices.csv, on a dashboard' }, (event) => {
      if (event.event === 'delta') release();
    });
    const turn = streamed.events.at(-1)!;
    expect(turn.event).toBe('turn');
    expect(deltasOf(streamed)[0]).toBe('Here ');
    expect(turn.data.reply).toMatch(/^Here (is (what )?)?\n\nDraft: “Unpaid invoices per customer”/); // the rules read this request fully, so the model is not asked for the spec
    expect(turn.data.notice).toBe('providers-unavailable');
    expect(deltasOf(streamed).join('')).toBe(turn.data.reply);
  });
});
