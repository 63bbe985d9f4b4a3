import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

let t: TestApp;
let user: Account;

beforeAll(async () => {
  t = await createTestApp();
  user = await register(t.app, { organization: 'Corrections Org' });
}, 60_000);
afterAll(async () => t?.close());

async function start(text: string) {
  const response = await call(t.app, user, { method: 'POST', url: '/api/v1/conversations', payload: { text } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}
async function say(id: string, text: string) {
  const response = await call(t.app, user, { method: 'POST', url: `/api/v1/conversations/${id}/messages`, payload: { text } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}
const fieldNames = (turn: { spec: { entities: { fields: { name: string }[] }[] } }) => turn.spec.entities[0]!.fields.map((f) => f.name);

describe('corrections in conversation, in English (built-in engine)', () => {
  let id = '';
  it('starts a draft', async () => {
    const turn = await start('A web dashboard to track employees with fields: name, email, start date. Read them from data/staff.csv');
    id = turn.id;
    expect(turn.spec.entities[0].name).toBe('employee');
    expect(turn.changes).toEqual([]);
  });

  it('"not X but Y" renames the records, and the reply says so', async () => {
    const turn = await say(id, 'The records are laptops, not employees.');
    expect(turn.spec.entities.map((e: { name: string }) => e.name)).toEqual(['laptop']);
    expect(fieldNames(turn)).toEqual(['name', 'email', 'startDate']);
    expect(turn.reply).toMatch(/^Renamed the records from “Employee” to “Laptop”\./);
    expect(turn.changes).toEqual([{ type: 'entity-renamed', from: 'employee', to: 'laptop' }]);
    expect(turn.language).toBe('en');
  });

  it('renames the app', async () => {
    const turn = await say(id, 'Rename the app to Laptop tracker');
    expect(turn.spec.title).toBe('Laptop tracker');
    expect(turn.reply).toContain('Renamed the app from');
    expect(turn.reply).toContain('to “Laptop tracker”');
  });

  it('adds, removes, renames and retypes fields', async () => {
    const added = await say(id, 'Add a notes field too.');
    expect(fieldNames(added)).toContain('notes');
    expect(added.reply).toMatch(/^Added the field “Notes”\./);
    const removed = await say(id, 'Remove the email field');
    expect(fieldNames(removed)).not.toContain('email');
    expect(removed.reply).toMatch(/^Removed the field “Email”\./);
    const renamed = await say(id, 'Rename the field name to full name');
    expect(fieldNames(renamed)).toEqual(['fullName', 'startDate', 'notes']);
    expect(renamed.reply).toMatch(/^Renamed the field “Name” to “Full name”\./);
    const retyped = await say(id, 'Make start date a datetime');
    expect(retyped.spec.entities[0].fields.find((f: { name: string }) => f.name === 'startDate').type).toBe('datetime');
    expect(retyped.reply).toMatch(/^Changed the field “Start date” from “date” to “date and time”\./);
  });

  it('replaces the source and changes the kind', async () => {
    const source = await say(id, 'Use data/laptops.csv instead');
    expect(source.spec.sources).toEqual([{ type: 'csv', path: 'data/laptops.csv' }]);
    expect(source.reply).toMatch(/^Removed the source CSV file data\/staff\.csv; added the source CSV file data\/laptops\.csv\./);
    const kind = await say(id, 'Actually make it an API service');
    expect(kind.spec.kind).toBe('api-service');
    expect(kind.reply).toMatch(/^Changed the kind from “Web dashboard” to “API service”/);
  });

  it('answers "what can you do?" without touching the draft, and says when it did not understand', async () => {
    const before = (await call(t.app, user, { method: 'GET', url: `/api/v1/conversations/${id}` })).json().spec;
    const asked = await say(id, 'what can you do?');
    expect(asked.intent).toBe('marketplace-question');
    expect(asked.reply).toContain('I build small internal tools');
    expect(asked.spec).toEqual(before);
    const nonsense = await say(id, 'flibber jabber');
    expect(nonsense.intent).toBe('not-understood');
    expect(nonsense.reply).toMatch(/^I did not understand/);
    expect(nonsense.spec).toEqual(before);
    expect(nonsense.changes).toEqual([]);
  });

  it('answers a first message it cannot read with what it can do and an example, and starts no draft', async () => {
    for (const text of ['asdf qwerty', 'hello', '😀🎉', '?']) {
      const turn = await start(text);
      expect(turn, text).toMatchObject({ intent: 'not-understood', language: 'en', state: 'gathering', spec: {}, changes: [] });
      expect(turn.reply, text).toMatch(/^I did not understand that message, so I started no app draft\./);
      expect(turn.reply, text).toContain('I build small internal tools');
      expect(turn.reply, text).toMatch(/for example “a form for vacation requests/);
      const stored = (await call(t.app, user, { method: 'GET', url: `/api/v1/conversations/${turn.id}` })).json();
      expect(stored.spec, text).toEqual({});
    }
    const asked = await start('What can you do?');
    expect(asked).toMatchObject({ intent: 'marketplace-question', language: 'en', spec: {} });
    expect(asked.reply).toContain('I build small internal tools');
  });

  it('asks the open questions again when a message is not understood', async () => {
    const turn = await start('I need a form for vacation requests');
    expect(turn.missing).toEqual(['entities']);
    const nonsense = await say(turn.id, '???');
    expect(nonsense.reply).toMatch(/^I did not understand/);
    expect(nonsense.reply).toMatch(/fields/i);
    expect(nonsense.questions.length).toBeGreaterThan(0);
  });
});

describe('corrections in conversation, in Polish (built-in engine)', () => {
  let id = '';
  it('starts a draft', async () => {
    const turn = await start('Panel do śledzenia pracowników z pliku data/kadry.csv z polami: imię, e-mail, data rozpoczęcia');
    id = turn.id;
    expect(turn.language).toBe('pl');
    expect(turn.spec.entities[0].name).toBe('employee');
  });

  it('"nie X, tylko Y" renames the records, and the reply says so in Polish', async () => {
    const turn = await say(id, 'Nie pracownicy, tylko laptopy');
    expect(turn.spec.entities).toHaveLength(1);
    expect(turn.spec.entities[0].name).not.toBe('employee');
    expect(turn.reply).toMatch(/^Zmieniono rekordy z „Pracownik” na „Laptop/);
    expect(turn.language).toBe('pl');
  });

  it('renames the app, even with a short English-looking name', async () => {
    const turn = await say(id, 'Zmień nazwę aplikacji na Ewidencja laptopów');
    expect(turn.spec.title).toBe('Ewidencja laptopów');
    expect(turn.reply).toMatch(/^Zmieniono nazwę aplikacji z „[^”]+” na „Ewidencja laptopów”\./);
    const short = await say(id, 'zmień nazwę aplikacji na Laptopy');
    expect(short.language).toBe('pl');
    expect(short.reply).toMatch(/^Zmieniono nazwę aplikacji/);
  });

  it('adds, removes, renames and retypes fields', async () => {
    const added = await say(id, 'Dodaj pole notatki');
    expect(added.reply).toMatch(/^Dodano pole „[^”]+”\./);
    expect(fieldNames(added)).toHaveLength(4);
    const removed = await say(id, 'Usuń pole e-mail');
    expect(fieldNames(removed)).not.toContain('email');
    expect(removed.reply).toMatch(/^Usunięto pole „E-mail”\./);
    const renamed = await say(id, 'Zmień nazwę pola imię na nazwisko');
    expect(renamed.reply).toMatch(/^Zmieniono nazwę pola „Imię” na „Nazwisko”\./);
    const retyped = await say(id, 'Pole data rozpoczęcia ma być datą i godziną');
    expect(retyped.spec.entities[0].fields.find((f: { name: string }) => f.name === 'startDate').type).toBe('datetime');
    expect(retyped.reply).toMatch(/^Zmieniono typ pola „Data rozpoczęcia” z „data” na „data i godzina”\./);
  });

  it('replaces the source and changes the kind', async () => {
    const source = await say(id, 'Zamiast tego użyj pliku data/laptopy.csv');
    expect(source.spec.sources).toEqual([{ type: 'csv', path: 'data/laptopy.csv' }]);
    expect(source.reply).toMatch(/^Usunięto źródło: plik CSV data\/kadry\.csv; dodano źródło: plik CSV data\/laptopy\.csv\./);
    const kind = await say(id, 'Zmień rodzaj na usługę API');
    expect(kind.spec.kind).toBe('api-service');
    expect(kind.reply).toMatch(/^Zmieniono rodzaj z „Panel z wykresami” na „Usługa API”/);
  });

  it('answers "co potrafisz?" in Polish without touching the draft, and says when it did not understand', async () => {
    const before = (await call(t.app, user, { method: 'GET', url: `/api/v1/conversations/${id}` })).json().spec;
    const asked = await say(id, 'co potrafisz?');
    expect(asked).toMatchObject({ intent: 'marketplace-question', language: 'pl' });
    expect(asked.reply).toContain('Buduję małe narzędzia wewnętrzne');
    expect(asked.spec).toEqual(before);
    const nonsense = await say(id, 'blablabla');
    expect(nonsense).toMatchObject({ intent: 'not-understood', language: 'pl' });
    expect(nonsense.reply).toMatch(/^Nie zrozumiałem/);
    expect(nonsense.spec).toEqual(before);
  });

  it('answers a Polish first message it cannot read in Polish, with an example, and starts no draft', async () => {
    for (const text of ['cześć', 'dzień dobry!', 'ąę źż']) {
      const turn = await start(text);
      expect(turn, text).toMatchObject({ intent: 'not-understood', language: 'pl', state: 'gathering', spec: {}, changes: [] });
      expect(turn.reply, text).toMatch(/^Nie zrozumiałem tej wiadomości, więc nie zacząłem projektu aplikacji\./);
      expect(turn.reply, text).toContain('Buduję małe narzędzia wewnętrzne');
      expect(turn.reply, text).toMatch(/np\. „formularz wniosków urlopowych/);
    }
  });

  it('answers "what can you do?" as the first message of a conversation', async () => {
    const turn = await start('co potrafisz?');
    expect(turn).toMatchObject({ intent: 'marketplace-question', language: 'pl', state: 'gathering', spec: {} });
    expect(turn.reply).toContain('Opisz, czego potrzebujesz');
  });
});
