import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { addUser, call, register, type Account, createPipelineApp } from './helper.js';

let env: Awaited<ReturnType<typeof createPipelineApp>>;
let admin: Account;
let colleague: Account;

beforeAll(async () => {
  env = await createPipelineApp();
  admin = await register(env.t.app);
  colleague = await addUser(env.t.app, admin, ['member']);
}, 120_000);
afterAll(async () => env?.close());

const post = (account: Account, url: string, payload?: object) => call(env.t.app, account, { method: 'POST', url, ...(payload ? { payload } : {}) });
const get = (account: Account, url: string) => call(env.t.app, account, { method: 'GET', url });

async function waitForState(account: Account, id: string, states: string[], timeoutMs = 150_000) {
  const started = Date.now();
  for (;;) {
    const body = (await get(account, `/api/v1/conversations/${id}`)).json();
    if (states.includes(body.state)) return body;
    if (Date.now() - started > timeoutMs) throw new Error(`conversation ${id} still ${body.state}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('conversations with the built-in engine', () => {
  let englishAppTitle = '';

  it('takes an English request through questions to a built and delivered app', async () => {
    const first = await post(admin, '/api/v1/conversations', { text: 'I need a form for vacation requests' });
    expect(first.statusCode, first.body).toBe(201);
    const turn = first.json();
    expect(turn).toMatchObject({ state: 'gathering', language: 'en', missing: ['entities'] });
    expect(turn.questions[0]).toMatch(/fields/i);
    expect(turn.actions.map((a: { id: string }) => a.id)).not.toContain('build');

    const second = await post(admin, `/api/v1/conversations/${turn.id}/messages`, { text: 'fields: name, start date, end date, reason' });
    expect(second.statusCode, second.body).toBe(200);
    const ready = second.json();
    expect(ready.state).toBe('ready');
    expect(ready.missing).toEqual([]);
    expect(ready.spec.entities[0].fields.map((f: { name: string }) => f.name)).toEqual(['name', 'startDate', 'endDate', 'reason']);
    expect(ready.actions.map((a: { id: string }) => a.id)).toContain('build');
    expect(ready.reply).toContain('Build this app');
    englishAppTitle = ready.spec.title;

    const built = await post(admin, `/api/v1/conversations/${turn.id}/build`);
    expect(built.statusCode, built.body).toBe(202);
    expect(built.json()).toMatchObject({ state: 'building', requestId: expect.any(String) });
    const request = (await get(admin, `/api/v1/requests/${built.json().requestId}`)).json();
    expect(request.source).toBe('conversation');

    const delivered = await waitForState(admin, turn.id, ['delivered', 'ready']);
    expect(delivered.state).toBe('delivered');
    // Said as it happened: published, and nothing sent because this admin has no workstation enrolled.
    expect(delivered.messages.at(-1).text).toContain('not sent: you have no workstation enrolled');
    const again = await post(admin, `/api/v1/conversations/${turn.id}/build`);
    expect(again.statusCode).toBe(409);
    // more words after it was published: not "Building … I will tell you", which was said and done
    const later = (await post(admin, `/api/v1/conversations/${turn.id}/messages`, { text: 'add a field: comment' })).json();
    expect(later.reply).toMatch(/is already built and published in your catalog .*start a new conversation/);
    expect(later.reply).not.toMatch(/Building|I will tell you/);
    const confirmed = (await post(admin, `/api/v1/conversations/${turn.id}/messages`, { text: 'yes' })).json();
    expect(confirmed.reply).toMatch(/is already built and published/);
  }, 200_000);

  it('takes a Polish request to a build confirmed with "tak", replying in Polish', async () => {
    const first = (await post(admin, '/api/v1/conversations', { text: 'Potrzebuję formularza do zgłaszania awarii sprzętu' })).json();
    expect(first.language).toBe('pl');
    expect(first.questions[0]).toMatch(/pola/i);
    const ready = (await post(admin, `/api/v1/conversations/${first.id}/messages`, { text: 'pola: imię, sprzęt, opis, data zgłoszenia' })).json();
    expect(ready.state).toBe('ready');
    expect(ready.reply).toContain('Specyfikacja jest kompletna');
    expect(ready.actions.find((a: { id: string }) => a.id === 'build').label).toBe('Zbuduj tę aplikację');
    const confirmed = (await post(admin, `/api/v1/conversations/${first.id}/messages`, { text: 'tak' })).json();
    expect(confirmed).toMatchObject({ state: 'building', intent: 'build' });
    expect(confirmed.reply).toMatch(/^Buduję/);
    const delivered = await waitForState(admin, first.id, ['delivered', 'ready']);
    expect(delivered.state).toBe('delivered');
    // no workstation enrolled: the chat says what the Deliver step says, not sent
    expect(delivered.messages.at(-1).text).toContain('nie wysłano: nie masz zarejestrowanej stacji roboczej');
  }, 200_000);

  it('merges later answers into the draft: a schedule change keeps the sources', async () => {
    const first = (await post(admin, '/api/v1/conversations', { text: 'Every Monday at 8 send me a report of new issues from https://example.com/feed.rss by email' })).json();
    expect(first.state).toBe('ready');
    expect(first.spec.schedule.cron).toBe('0 8 * * 1');
    expect(first.actions.map((a: { id: string }) => a.id)).toContain('change-schedule');
    const changed = (await post(admin, `/api/v1/conversations/${first.id}/messages`, { text: 'actually, every Friday at 9' })).json();
    expect(changed.spec.schedule.cron).toBe('0 9 * * 5');
    expect(changed.spec.sources).toEqual(first.spec.sources);
    expect(changed.spec.outputs).toEqual(first.spec.outputs);
    expect(changed.spec.name).toBe(first.spec.name);
    // the schedule in words beside the draft (its cron stays in the spec), with the day's capital kept in the summary
    expect(first.scheduleText).toMatch(/^At 08:00, only on Monday$/);
    expect(changed.scheduleText).toMatch(/Friday/);
    expect(first.spec.summary).toMatch(/only on Monday/);
    const polish = (await post(admin, '/api/v1/conversations', { text: 'Co tydzień w piątek o 16 zsumuj sprzedaż z pliku data/sprzedaz.csv i wyślij raport na anna@firma.pl' })).json();
    expect(polish.scheduleText).toMatch(/^O 16:00, tylko piątek$/i);
    // and on opening the conversation again
    expect((await get(admin, `/api/v1/conversations/${polish.id}`)).json().scheduleText).toBe(polish.scheduleText);
  });

  it('offers two or three kinds of app with their complexity when the need is vague', async () => {
    const turn = (await post(admin, '/api/v1/conversations', { text: 'I need a tool for my team' })).json();
    expect(turn.state).toBe('gathering');
    expect(turn.suggestions.length).toBeGreaterThanOrEqual(2);
    expect(turn.suggestions.length).toBeLessThanOrEqual(3);
    for (const s of turn.suggestions) expect(['low', 'medium', 'high']).toContain(s.complexity);
    expect(turn.actions.filter((a: { id: string }) => a.id.startsWith('use-template:'))).toHaveLength(turn.suggestions.length);
    expect(turn.reply).toContain('It could be one of these');
    const template = turn.actions.find((a: { id: string }) => a.id === 'use-template:form-app');
    const chosen = (await post(admin, `/api/v1/conversations/${turn.id}/messages`, { text: template.message })).json();
    expect(chosen.spec.kind).toBe('form-app');
  });

  it('offers an app someone already built when the draft is close to it', async () => {
    const turn = (await post(colleague, '/api/v1/conversations', { text: 'I need a form for vacation requests with fields: name, start date, end date, reason' })).json();
    expect(turn.similar.length).toBeGreaterThanOrEqual(1);
    expect(turn.similar[0]).toMatchObject({ title: englishAppTitle, kind: 'form-app', latestVersion: '1.0.0' });
    expect(turn.reply).toContain('Someone already built this');
    expect(turn.actions.map((a: { id: string }) => a.id)).toContain(`open-app:${turn.similar[0].id}`);
    const unrelated = (await post(colleague, '/api/v1/conversations', { text: 'Every day at 7 fetch https://example.com/rates.json and email me the euro rate' })).json();
    expect(unrelated.similar).toEqual([]);
  });

  it('answers command intents with real data, in English and Polish', async () => {
    const c = (await post(admin, '/api/v1/conversations', {})).json();
    expect(c.reply).toMatch(/What do you need/);
    const say = async (text: string) => (await post(admin, `/api/v1/conversations/${c.id}/messages`, { text })).json();

    const list = await say('list apps like vacation');
    expect(list.intent).toBe('list-apps');
    expect(list.reply).toContain(englishAppTitle);
    const listPl = await say('pokaż aplikacje jak awarie');
    expect(listPl.intent).toBe('list-apps');
    expect(listPl.reply).toMatch(/^Aplikacje podobne/);
    expect(listPl.reply).toMatch(/awari/i);

    const failing = await say('show my failing deployments');
    expect(failing.intent).toBe('failing-deployments');
    // Answered from the deployments table: this user has no agent yet, so nothing is failing.
    expect(failing.reply).toBe('None of your deployments is failing.');

    const deploy = await say('deploy vacation requests to my machine');
    expect(deploy.intent).toBe('deploy');
    expect(deploy.reply).toContain(englishAppTitle);
    const missing = await say('deploy quantum teleporter to my machine');
    expect(missing.reply).toMatch(/found no app called “quantum teleporter”/);

    const status = await say('status of my request');
    expect(status.intent).toBe('request-status');
    expect(status.reply).toMatch(/published as version 1\.0\.0/);
    expect(status.spec).toEqual({}); // commands never touch the draft
  });

  it('refuses to build an unfinished draft, naming what is missing', async () => {
    const turn = (await post(admin, '/api/v1/conversations', { text: 'I need a form for vacation requests' })).json();
    const response = await post(admin, `/api/v1/conversations/${turn.id}/build`);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'CONVERSATION_NOT_READY' });
    expect(response.json().detail).toContain('entities');
  });

  it('keeps conversations private to their user', async () => {
    const mine = (await post(admin, '/api/v1/conversations', { text: 'I need a form for parking spots' })).json();
    expect((await get(colleague, `/api/v1/conversations/${mine.id}`)).statusCode).toBe(404);
    expect((await post(colleague, `/api/v1/conversations/${mine.id}/messages`, { text: 'fields: name' })).statusCode).toBe(404);
    const list = (await get(colleague, '/api/v1/conversations')).json();
    expect(list.items.map((i: { id: string }) => i.id)).not.toContain(mine.id);
    const detail = (await get(admin, `/api/v1/conversations/${mine.id}`)).json();
    expect(detail.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
  });

  it('streams the reply over SSE when asked', async () => {
    const response = await call(env.t.app, admin, { method: 'POST', url: '/api/v1/conversations', headers: { accept: 'text/event-stream' }, payload: { text: 'I need a form for team lunch orders' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/event-stream');
    const events = response.body.split('\n\n').filter(Boolean).map((block) => ({ event: /event: (\S+)/.exec(block)?.[1], data: JSON.parse(/data: (.*)/.exec(block)![1]!) }));
    expect(events.at(-1)!.event).toBe('turn');
    expect(events.slice(0, -1).every((e) => e.event === 'delta')).toBe(true);
    expect(events.slice(0, -1).map((e) => e.data.text).join('')).toBe(events.at(-1)!.data.reply);
    const audited = await (env.t.database.db as Db).selectFrom('audit_log').select(['action', 'result']).where('target_id', '=', events.at(-1)!.data.id).execute();
    expect(audited).toEqual([{ action: 'conversation.create', result: 'success' }]);
  });
  it('says a release went nowhere because the organisation sends releases only on install, not that no workstation is enrolled', async () => {
    const { code } = (await post(colleague, '/api/v1/agents/enrollments')).json();
    const enrolled = await env.t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'colleague-desk', hostname: 'colleague-desk', os: 'linux' } });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    await call(env.t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { distribution: { deliverToRequester: false } } } });
    try {
      const turn = (await post(colleague, '/api/v1/conversations', { text: 'I need a form for parking requests. fields: name, plate number, date' })).json();
      expect(turn.state).toBe('ready');
      const built = (await post(colleague, `/api/v1/conversations/${turn.id}/build`)).json();
      const delivered = await waitForState(colleague, turn.id, ['delivered', 'ready']);
      expect(delivered.state).toBe('delivered');
      expect(delivered.messages.at(-1).text).toContain('not sent: your organisation sends releases only when someone installs them');
      expect(delivered.messages.at(-1).text).not.toContain('no workstation');
      // the Deliver step reads the same reason
      expect((await get(colleague, `/api/v1/requests/${built.requestId}`)).json()).toMatchObject({ state: 'published', deliveries: [], deliverySkipped: 'not-automatic' });
      // and keeps it when the setting changes afterwards: it is what happened then
      await call(env.t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { distribution: { deliverToRequester: true } } } });
      expect((await get(colleague, `/api/v1/requests/${built.requestId}`)).json()).toMatchObject({ deliveries: [], deliverySkipped: 'not-automatic' });
    } finally {
      await call(env.t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { distribution: { deliverToRequester: true } } } });
    }
  }, 200_000);
});
