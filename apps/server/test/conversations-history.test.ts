import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Db } from '../src/db/schema.js';
import { conversationSweeper } from '../src/modules/conversations/conversation-services.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

let t: TestApp;
let user: Account;
let other: Account;

beforeAll(async () => {
  t = await createTestApp({ env: { CONVERSATION_IDLE_HOURS: '2' } });
  user = await register(t.app, { organization: 'History Org' });
  other = await register(t.app, { organization: 'Other History Org' });
}, 60_000);
afterAll(async () => t?.close());

const db = () => t.database.db as Db;
const post = (url: string, text: string) => call(t.app, user, { method: 'POST', url, payload: { text } });

describe('kept conversations', () => {
  let id = '';
  it('lists my conversations with title, state and last activity, most recent first', async () => {
    id = (await post('/api/v1/conversations', 'I need a form for vacation requests')).json().id;
    const second = (await post('/api/v1/conversations', 'A web dashboard to track laptops with fields: serial number, owner')).json();
    const list = (await call(t.app, user, { method: 'GET', url: '/api/v1/conversations' })).json();
    expect(list.total).toBe(2);
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([second.id, id]);
    expect(list.items[1]).toMatchObject({ title: expect.stringMatching(/vacation/i), state: 'gathering', updatedAt: expect.any(String) });
    expect(list.items[0].state).toBe('ready');
    expect((await call(t.app, other, { method: 'GET', url: '/api/v1/conversations' })).json().total).toBe(0);
  });

  it('resumes after a reload: the conversation keeps its messages and draft', async () => {
    await post(`/api/v1/conversations/${id}/messages`, 'fields: name, start date, end date');
    const resumed = (await call(t.app, user, { method: 'GET', url: `/api/v1/conversations/${id}` })).json();
    expect(resumed.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(resumed.messages[2].text).toBe('fields: name, start date, end date');
    expect(resumed.spec.entities[0].fields.map((f: { name: string }) => f.name)).toEqual(['name', 'startDate', 'endDate']);
    expect(resumed.state).toBe('ready');
  });

  it('marks conversations idle past CONVERSATION_IDLE_HOURS abandoned; a new message resumes one', async () => {
    await db().updateTable('conversations').set({ updated_at: new Date(Date.now() - 3 * 3_600_000) }).where('id', '=', id).execute();
    const sweeper = conversationSweeper({ db: db(), config: t.app.config, logger: pino({ level: 'silent' }) });
    await sweeper.start();
    sweeper.stop();
    const list = (await call(t.app, user, { method: 'GET', url: '/api/v1/conversations' })).json();
    expect(list.items.find((c: { id: string }) => c.id === id).state).toBe('abandoned');
    expect(list.items.find((c: { id: string }) => c.id !== id).state).toBe('ready');
    const turn = (await post(`/api/v1/conversations/${id}/messages`, 'Add a notes field too.')).json();
    expect(turn.state).toBe('ready');
    expect(turn.reply).toMatch(/^Added the field “Notes”/);
  });
});
