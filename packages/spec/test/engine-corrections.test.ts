import { describe, expect, it } from 'vitest';
import { continueSpec, describeChanges, extractSpec, LOW_CONFIDENCE, type SpecResult } from '../src/index.js';

function conversation(...turns: string[]): SpecResult[] {
  const results = [extractSpec(turns[0]!)];
  for (const text of turns.slice(1)) results.push(continueSpec(results[results.length - 1]!.spec, text));
  return results;
}

const last = <T>(list: T[]): T => list[list.length - 1]!;

describe('corrections change the draft and say what changed', () => {
  it('renames the records instead of adding fields (EN and PL)', () => {
    const en = last(conversation('Small tool to keep track of employees with name, email and phone', 'The records are laptops, not employees.'));
    expect(en.spec.entities?.map((e) => [e.name, e.label, e.fields.map((f) => f.name)])).toEqual([['laptop', 'Laptop', ['name', 'email', 'phone']]]);
    expect(en.changes).toEqual([{ type: 'entity-renamed', from: 'employee', to: 'laptop' }]);
    const pl = last(conversation('Ewidencja pracowników: imię, nazwisko, e-mail', 'To nie pracownicy, tylko laptopy.'));
    expect(pl.spec.entities?.[0]?.name).toBe('laptop');
    expect(pl.language).toBe('pl');
  });

  it('adds, renames, retypes and removes fields', () => {
    const turns = conversation('A form for bug reports: title, steps, severity', 'Add a notes field too.', 'rename the field steps to reproduction steps', 'make severity a number', 'remove notes');
    expect(turns[1]!.changes).toEqual([{ type: 'field-added', entity: 'bugReport', field: 'notes' }]);
    expect(turns[2]!.changes).toEqual([{ type: 'field-renamed', entity: 'bugReport', from: 'steps', to: 'reproductionSteps' }]);
    expect(turns[3]!.changes).toMatchObject([{ type: 'field-changed', entity: 'bugReport', field: 'severity', after: { type: 'number' } }]);
    expect(turns[4]!.changes).toEqual([{ type: 'field-removed', entity: 'bugReport', field: 'notes' }]);
    const pl = last(conversation('Formularz zgłoszeń usterek: lokal, opis', 'zmień nazwę pola lokal na pomieszczenie'));
    expect(pl.spec.entities?.[0]?.fields.map((f) => [f.name, f.label])).toEqual([['pomieszczenie', 'Pomieszczenie'], ['description', 'Opis']]);
  });

  it('removes the e-mail field or the e-mail output, whichever the draft has; renames with "change the X field to Y"', () => {
    expect(last(conversation('Ewidencja pracowników: imię, nazwisko, e-mail', 'usuń e-mail')).changes).toEqual([{ type: 'field-removed', entity: 'employee', field: 'email' }]);
    expect(last(conversation('Every Monday at 9am send me a summary of open Jira tickets', 'remove the email')).changes).toEqual([{ type: 'output-removed', output: { type: 'email' } }]);
    expect(last(conversation('Small tool to keep track of employees with name, email and phone', 'change the name field to full name')).changes).toEqual([
      { type: 'field-renamed', entity: 'employee', from: 'name', to: 'fullName' },
    ]);
    expect(last(conversation('Formularz zgłoszeń usterek: lokal, opis', 'zamiast formularza zrób API')).spec.kind).toBe('api-service');
    expect(last(conversation('Small tool to keep track of employees with name, email and phone', 'change price to a number')).changes).toEqual([]);
  });

  it('changes the kind from "not X but Y", "nie X tylko Y" and "I\'d rather see a calendar"', () => {
    expect(last(conversation('A form for bug reports: title, steps, severity', 'not a form but an API')).changes).toEqual([{ type: 'kind', from: 'form-app', to: 'api-service' }]);
    expect(last(conversation('Formularz zgłoszeń usterek: lokal, opis', 'nie formularz tylko API')).spec.kind).toBe('api-service');
    const calendar = last(conversation('Small tool to keep track of employees with name, email and phone', "I'd rather see a calendar"));
    expect(calendar.spec.kind).toBe('web-dashboard');
    expect(calendar.changes).toContainEqual({ type: 'kind', from: 'api-service', to: 'web-dashboard' });
  });

  it('replaces a source and renames the app', () => {
    const turns = conversation('Every Monday at 8 email me the new rows of data/leads.csv', 'Use /srv/crm/leads.csv instead', 'Call it Lead digest');
    expect(turns[1]!.spec.sources).toEqual([{ type: 'csv', workstationPath: '/srv/crm/leads.csv' }]);
    expect(turns[1]!.changes.map((c) => c.type)).toEqual(['source-removed', 'source-added']);
    expect(turns[2]!.spec.title).toBe('Lead digest');
    expect(turns[2]!.changes).toEqual([{ type: 'title', from: turns[1]!.spec.title, to: 'Lead digest' }]);
  });
});

describe('what a message is', () => {
  it('recognises questions about the marketplace in both languages and leaves the draft alone', () => {
    const [first, question] = conversation('A form for vacation requests with name and start date', 'what can you do?');
    expect(question!.intent).toBe('marketplace-question');
    expect(question!.language).toBe('en');
    expect(question!.spec).toEqual(first!.spec);
    expect(question!.changes).toEqual([]);
    const pl = extractSpec('Co potrafisz?');
    expect([pl.intent, pl.language]).toEqual(['marketplace-question', 'pl']);
  });

  it('says when it did not understand a message, in the conversation\'s language, with the draft unchanged', () => {
    const [first, noise] = conversation('Formularz zgłoszeń usterek: lokal, opis', 'blablabla qwerty');
    expect(noise!.intent).toBe('not-understood');
    expect(noise!.language).toBe('pl');
    expect(noise!.spec).toEqual(first!.spec);
    expect(extractSpec('🙂🙂').intent).toBe('not-understood');
    expect(extractSpec('A form for vacation requests').intent).toBe('spec');
  });
});

describe('confidence of what was read', () => {
  it('gives each slot read a confidence and asks about what it could not read', () => {
    const result = extractSpec('A form with fields: name, \u{1F642}, email, first aid given onsite, what was done to help the person, phone');
    expect(result.spec.entities?.[0]?.fields.map((f) => f.name)).toEqual(['name', 'email', 'firstAidGivenOnsite', 'phone']);
    const reading = (slot: string) => result.readings.find((r) => r.slot === slot)?.confidence;
    expect(reading('kind')).toBeGreaterThan(0.9);
    expect(reading('entities.submission.email')).toBeGreaterThan(LOW_CONFIDENCE);
    expect(reading('entities.submission.firstAidGivenOnsite')).toBeLessThan(LOW_CONFIDENCE);
    expect(result.clarifications.map((q) => q.question)).toEqual([
      'I could not read "\u{1F642}" in the list of fields. Is it a field? If so, what is it called?',
      'I could not read "what was done to help the person" in the list of fields. Is it a field? If so, what is it called?',
      'Is "First aid given onsite" one field? If it is several, list them separated by commas.',
    ]);
    expect(result.missing).toEqual([]);
  });

  it('asks about a correction that names nothing in the draft instead of ignoring it', () => {
    const result = last(conversation('A form for bug reports: title, steps, severity', 'The records are invoices, not unicorns.'));
    expect(result.clarifications.map((q) => q.question)).toEqual(['I did not find "unicorns" in the draft, so I could not change it to "invoices". What should change?']);
    expect(result.changes).toEqual([]);
  });

  it('reads "Rekordy to laptopy, nie pracownicy." as renaming the records', () => {
    const result = last(conversation('Ewidencja pracowników: imię, nazwisko, e-mail', 'Rekordy to laptopy, nie pracownicy.'));
    expect(result.spec.entities?.map((e) => e.name)).toEqual(['laptop']);
    expect(result.changes).toEqual([{ type: 'entity-renamed', from: 'employee', to: 'laptop' }]);
    expect(result.spec.entities?.[0]?.fields.map((f) => f.name)).toEqual(['firstName', 'lastName', 'email']);
  });

  it('moves a field to the top, the end, before or after another (EN and PL), and says the new order', () => {
    const start = 'Small tool to keep track of employees with name, email and phone';
    const order = (text: string) => last(conversation(start, text)).spec.entities?.[0]?.fields.map((f) => f.name);
    expect(order('move the field phone to the top')).toEqual(['phone', 'name', 'email']);
    expect(order('Put name last.')).toEqual(['email', 'phone', 'name']);
    expect(order('move phone before email')).toEqual(['name', 'phone', 'email']);
    expect(order('Put name after phone.')).toEqual(['email', 'phone', 'name']);
    const moved = last(conversation(start, 'move the field phone to the top'));
    expect(moved.changes).toEqual([{ type: 'fields-reordered', entity: 'employee', order: ['phone', 'name', 'email'] }]);
    expect(describeChanges(moved.changes, 'en', { after: moved.spec })).toBe('Reordered the fields of “Employee”: “Phone”, “Name”, “Email”.');
    const pl = last(conversation('Ewidencja pracowników: imię, nazwisko, e-mail', 'Przenieś pole e-mail na początek.'));
    expect(pl.spec.entities?.[0]?.fields.map((f) => f.name)).toEqual(['email', 'firstName', 'lastName']);
    expect(describeChanges(pl.changes, 'pl', { after: pl.spec })).toMatch(/^Nowa kolejność pól „.+”: „E-mail”, „Imię”, „Nazwisko”\.$/);
    // A field the draft does not have moves nothing.
    expect(last(conversation(start, 'move salary to the top')).changes).toEqual([]);
  });

  it('replaces the sources when told to, whatever their type (EN and PL)', () => {
    const start = 'A dashboard showing the sales CSV at /srv/exports/sales.csv with columns region and total';
    for (const text of ['Replace the source with https://intranet.example.com/sales.json', 'Zamień źródło na https://intranet.example.com/sales.json']) {
      const result = last(conversation(start, text));
      expect(result.spec.sources).toEqual([{ type: 'http-json', url: 'https://intranet.example.com/sales.json' }]);
      expect(result.changes.map((c) => c.type)).toEqual(['source-removed', 'source-added']);
    }
    // Without "replace", a second source is added beside the first.
    expect(last(conversation(start, 'Also read https://intranet.example.com/sales.json')).spec.sources).toHaveLength(2);
  });

  it('names the records from the data, not from where it lives ("the sales CSV at /srv/…", "our HR export /data/…")', () => {
    const at = extractSpec('A dashboard showing the sales CSV at /srv/exports/sales.csv with columns region and total');
    expect(at.spec.entities?.[0]?.name).toBe('sale');
    expect(at.spec.sources).toEqual([{ type: 'csv', workstationPath: '/srv/exports/sales.csv' }]);
    const noun = extractSpec('A dashboard of our sales export /srv/exports/sales.csv with columns region and total');
    expect(noun.spec.sources).toEqual([{ type: 'csv', workstationPath: '/srv/exports/sales.csv' }]);
    expect(noun.spec.outputs?.some((o) => o.type === 'file')).toBeFalsy();
  });
});
