import { describe, expect, it } from 'vitest';
import {
  ENGINE_LIMITS,
  SpecEngineError,
  appSpecSchema,
  continueSpec,
  describeSchedule,
  extractSpec,
  formatSpec,
  suggestKinds,
  type AppSpec,
} from '../src/index.js';

function expectEverythingMissing(text: string): void {
  const result = extractSpec(text);
  expect(appSpecSchema.safeParse(result.spec).success).toBe(true);
  expect(result.missing).toEqual(expect.arrayContaining(['summary', 'kind']));
  expect(result.spec.missing).toEqual(result.missing);
  expect(result.confidence).toBe(0);
  expect(result.spec.name).toBe('new-app');
  expect(result.questions.length).toBe(result.missing.length);
}

describe('extractSpec on bad input', () => {
  it('turns empty, emoji-only and whitespace requests into a spec that asks for everything', () => {
    expectEverythingMissing('');
    expectEverythingMissing('   \n\t ');
    expectEverythingMissing('🙂🙂🙂 🎉');
    expectEverythingMissing('12345 !!! ???');
  });

  it('says it did not understand letters that are no words ("asdf qwerty", "hello", "?") and drafts nothing from them', () => {
    for (const text of ['asdf qwerty', 'asdf qwerty zxcv', 'hello', 'Hello?', '?', 'cześć']) {
      const result = extractSpec(text);
      expect(result.intent, text).toBe('not-understood');
      expect(result.spec, text).toMatchObject({ name: 'new-app', summary: '' });
      expect(result.spec.entities, text).toBeUndefined();
    }
    expect(extractSpec('cześć').language).toBe('pl');
    expect(extractSpec('Potrzebuję czegoś do planowania urlopów w zespole').intent).toBe('spec');
  });

  it('survives binary junk and says nothing it did not read', () => {
    const junk = String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 65536));
    const result = extractSpec(junk + '\u0000\uD800');
    expect(appSpecSchema.safeParse(result.spec).success).toBe(true);
    expect(result.spec.summary).not.toContain('\u0000');
  });

  it('reads only the first part of a 1 MB request, in bounded time, and says so', () => {
    const huge = 'Build an API for books with title and author. ' + 'lorem ipsum dolor sit amet '.repeat(40_000);
    expect(huge.length).toBeGreaterThan(1_000_000);
    const started = performance.now();
    const result = extractSpec(huge);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.truncated).toBe(true);
    expect(result.spec.kind).toBe('api-service');
    expect(result.spec.entities?.[0]?.fields.map((f) => f.name)).toEqual(['title', 'author']);
    expect(result.spec.summary.length).toBeLessThanOrEqual(ENGINE_LIMITS.summaryChars + 1);
  });

  it('rejects what is not text with an error that says what to pass', () => {
    expect(() => extractSpec(42 as unknown as string)).toThrow(SpecEngineError);
    expect(() => extractSpec(null as unknown as string)).toThrow(/must be a string of text, got null/);
    expect(() => extractSpec('hello', { language: 'de' as 'en' })).toThrow(/language must be one of en, pl/);
  });
});

describe('extractSpec', () => {
  it('is deterministic', () => {
    const text = 'Co tydzień w piątek o 16 zsumuj sprzedaż z pliku data/sprzedaz.csv i wyślij raport na anna@firma.pl';
    expect(extractSpec(text)).toEqual(extractSpec(text));
  });

  it('asks about "an incident record", "a user feedback record", "an hourly rate record"', () => {
    expect(extractSpec('An API for managing incidents').questions[0]?.question).toMatch(/^What should an incident record contain\?/);
    expect(extractSpec('A form for user feedback').questions[0]?.question).toMatch(/^What should a user feedback record contain\?/);
    expect(extractSpec('An API for managing hourly rates').questions[0]?.question).toMatch(/^What should an hourly rate record contain\?/);
  });

  it('titles a request with a short noun phrase, sums it up in one sentence and tags it', () => {
    const en = extractSpec('Small tool to keep track of laptops: serial number, owner, purchase date').spec;
    expect([en.title, en.name, en.language]).toEqual(['Laptop tracker', 'laptop-tracker', 'en']);
    expect(en.summary).toBe('Laptop tracker: an API that keeps laptop records (serial number, owner, purchase date).');
    expect(en.tags).toEqual(['API', 'laptop']);
    expect(en.entities?.[0]?.label).toBe('Laptop');
    const pl = extractSpec('Potrzebuję czegoś do planowania urlopów w zespole').spec;
    expect([pl.title, pl.language]).toEqual(['Planowanie urlopów', 'pl']);
    const auto = extractSpec('Co tydzień w piątek o 16 zsumuj sprzedaż z pliku data/sprzedaz.csv i wyślij raport na anna@firma.pl').spec;
    expect(auto.summary.split(/[.!?](?:\s|$)/).filter(Boolean)).toHaveLength(1);
    expect(auto.tags).toEqual(expect.arrayContaining(['plik CSV', 'e-mail', 'harmonogram']));
    // the relative pronoun agrees with the kind's noun (narzędzie … które, not który)
    expect(auto.kind).toBe('data-tool');
    expect(auto.summary).toContain('narzędzie do danych, które czyta plik CSV');
  });

  it('tags an app in its own language: the kind in words and records by their label, no identifiers', () => {
    const form = extractSpec('Formularz wniosku urlopowego: imię, nazwisko, data od, data do').spec;
    expect(form.language).toBe('pl');
    expect(form.tags?.[0]).toBe('formularz');
    expect(form.tags).toContain(form.entities![0]!.label!.toLowerCase());
    for (const tag of form.tags ?? []) {
      expect(tag, 'a kind, a type or an identifier').not.toMatch(/^(?:form-app|api-service|web-dashboard|data-tool|automation|csv|email|webhook|file|dashboard|scheduled|http-json|rss|imap)$|[a-z][A-Z]/);
    }
    const en = extractSpec('A dashboard of our sales from https://example.com/sales.json, refreshed every Monday at 9').spec;
    expect(en.tags).toEqual(expect.arrayContaining(['dashboard', 'web data']));
  });

  it('answers in the language asked for', () => {
    const result = extractSpec('A form for vacation requests', { language: 'pl' });
    expect(result.language).toBe('pl');
    expect(result.questions[0]?.question).toMatch(/O co ma pytać formularz/);
  });

  it('never keeps a ".." path or a system file, and asks for a usable one', () => {
    for (const text of ['Aggregate ../../etc/passwd', 'Read /etc/shadow every day at 6 and email me', 'read ~/secrets.csv', 'A dashboard over /srv/../etc/x.csv']) {
      const result = extractSpec(text);
      const paths = (result.spec.sources ?? []).map((s) => s.path).filter(Boolean);
      expect(paths, text).toEqual([]);
      expect(result.missing.some((m) => m.startsWith('sources')), text).toBe(true);
    }
  });

  it('reads a CSV file on the workstation named by its absolute path as a read-only source, wherever the sentence names it', () => {
    const cases: [string, string][] = [
      ['Load C:\\data\\x.csv into a dashboard', 'C:\\data\\x.csv'],
      ['A dashboard of sales from our CSV export at /mnt/share/sales.csv', '/mnt/share/sales.csv'],
      ['Zestawienie godzin na podstawie pliku /dane/godziny.csv', '/dane/godziny.csv'],
    ];
    for (const [text, workstationPath] of cases) {
      const result = extractSpec(text);
      expect(result.spec.sources, text).toEqual([{ type: 'csv', workstationPath }]);
      expect(result.missing.filter((m) => m.startsWith('sources')), text).toEqual([]);
    }
  });

  it('refuses non-http URLs as sources and says why', () => {
    const result = extractSpec('A dashboard from file:///etc/passwd');
    expect(result.spec.sources).toBeUndefined();
    expect(result.questions.find((q) => q.slot === 'sources')?.question).toContain('file:///etc/passwd');
  });
});

describe('continueSpec', () => {
  const base = extractSpec('Every Monday at 9am send me a summary of open Jira tickets').spec;

  it('changes only what the message touches', () => {
    const next = continueSpec(base, 'also post it to https://hooks.slack.com/services/T/B/C').spec;
    expect(next.schedule).toEqual(base.schedule);
    expect(next.title).toBe(base.title);
    expect(next.outputs).toEqual([...(base.outputs ?? []), { type: 'webhook', target: 'https://hooks.slack.com/services/T/B/C' }]);
  });

  it('keeps the conversation language for short answers', () => {
    const pl = extractSpec('Formularz zgłoszeń awarii').spec;
    const result = continueSpec(pl, 'name, email');
    expect(result.language).toBe('pl');
  });

  it('rejects a previous spec that is not an AppSpec', () => {
    expect(() => continueSpec({ name: 'x' } as unknown as AppSpec, 'hi')).toThrow(/previous spec is not a valid AppSpec/);
    expect(() => continueSpec(base, undefined as unknown as string)).toThrow(SpecEngineError);
  });
});

describe('describeSchedule', () => {
  it('describes cron in English and Polish', () => {
    expect(describeSchedule('0 9 * * 1', 'en')).toBe('At 09:00, only on Monday');
    expect(describeSchedule('0 9 * * 1', 'pl')).toBe('O 09:00, tylko poniedziałek');
    expect(describeSchedule('*/15 * * * *', 'pl')).toBe('Co 15 minut');
  });

  it('explains an invalid expression', () => {
    expect(() => describeSchedule('every monday', 'en')).toThrow(expect.objectContaining({ code: 'invalid-cron' }));
    expect(() => describeSchedule('0 25 * * *', 'en')).toThrow(/hour/);
  });
});

describe('formatSpec', () => {
  it('summarises a spec line by line in the requested language', () => {
    const { spec } = extractSpec('An API for tasks with title, status (open, done) and due date, every Monday at 9 email me a digest, SSO');
    const en = formatSpec(spec, 'en');
    expect(en.split('\n')[0]).toBe(`${spec.title} (${spec.name})`);
    expect(en).toContain('Status (one of: open | done)');
    expect(en).toContain('Due date (date)');
    expect(en).toContain('  • Task: Title, Status');
    expect(en).toContain('At 09:00, only on Monday (0 9 * * 1)');
    expect(en).toContain('Access: company single sign-on (SSO)');
    const pl = formatSpec(spec, 'pl');
    expect(pl).toContain('Harmonogram: O 09:00, tylko poniedziałek');
    expect(pl).toContain('Dostęp: firmowe logowanie (SSO)');
  });

  it('shows a read-only workstation file as such', () => {
    const { spec } = extractSpec('A dashboard over /srv/exports/sales.csv');
    expect(formatSpec(spec, 'en')).toContain('Sources: CSV file /srv/exports/sales.csv (read-only, on your computer)');
  });

  it('lists what is still needed', () => {
    const { spec } = extractSpec('A dashboard for our KPIs');
    expect(formatSpec(spec, 'en')).toContain('Still needed: data source');
    expect(formatSpec(spec, 'pl')).toContain('Brakuje: źródło danych');
  });
});

describe('suggestKinds', () => {
  it('offers two or three kinds with reasons and complexity for a vague request', () => {
    const suggestions = suggestKinds('I need something for our team vacations');
    expect(suggestions.length).toBeGreaterThanOrEqual(2);
    expect(suggestions.length).toBeLessThanOrEqual(3);
    expect(suggestions[0]).toMatchObject({ kind: 'form-app', complexity: 'low' });
    expect(suggestions[0]?.reason).toContain('vacations');
    expect(new Set(suggestions.map((s) => s.kind)).size).toBe(suggestions.length);
  });

  it('puts the kind the words name first, in the request language', () => {
    const suggestions = suggestKinds('Panel z wykresami sprzedaży');
    expect(suggestions[0]?.kind).toBe('web-dashboard');
    expect(suggestions[0]?.reason).toMatch(/^Panel z wykresami/);
  });

  it('rates bigger requests as more complex', () => {
    const simple = suggestKinds('A form with name and email')[0]!;
    const big = suggestKinds('A form for projects (name, budget), tasks (title, due date) and people (name, email) with company SSO')[0]!;
    expect(simple.complexity).toBe('low');
    expect(['medium', 'high']).toContain(big.complexity);
  });

  it('gives three defaults when nothing is known', () => {
    expect(suggestKinds('').map((s) => s.kind)).toEqual(['form-app', 'web-dashboard', 'automation']);
  });
});
