import { APP_KINDS, type AppKind, type AppLanguage, type AppSpec } from '@marketplace/spec';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RenderedApp, renderApp } from '../testing/rendered-pages.js';
import { type Catalog, catalogFor, format, humanize, plural } from './catalog.js';
import { en } from './en.js';
import { pl } from './pl.js';

const OUTPUT = [{ type: 'file' as const, target: 'powiadomienia.jsonl' }];

/** The same Polish request for every kind; only `language` changes between the two runs. */
const SPECS: Record<AppKind, AppSpec> = {
  'api-service': {
    specVersion: 1,
    name: 'rejestr-zgloszen',
    title: 'Rejestr zgłoszeń',
    summary: 'Zgłoszenia awarii w biurze.',
    kind: 'api-service',
    entities: [{ name: 'zgloszenie', label: 'Zgłoszenie', fields: [{ name: 'tytul', type: 'string', required: true, label: 'Tytuł' }, { name: 'emailZglaszajacego', type: 'email' }] }],
  },
  'form-app': {
    specVersion: 1,
    name: 'zgloszenie-awarii',
    title: 'Zgłoś awarię',
    summary: 'Formularz dla pracowników biura.',
    kind: 'form-app',
    entities: [
      {
        name: 'zgloszenie',
        fields: [
          { name: 'tytul', type: 'string', required: true, label: 'Tytuł zgłoszenia' },
          { name: 'emailZglaszajacego', type: 'email', required: true },
          { name: 'kwota', type: 'number' },
          { name: 'dataZdarzenia', type: 'date' },
          { name: 'pilne', type: 'boolean' },
          { name: 'kategoria', type: 'enum', values: ['awaria', 'usterka'] },
        ],
      },
    ],
    outputs: OUTPUT,
  },
  'web-dashboard': {
    specVersion: 1,
    name: 'panel-zgloszen',
    title: 'Panel zgłoszeń',
    summary: 'Zgłoszenia według działu.',
    kind: 'web-dashboard',
    sources: [{ type: 'csv', path: 'dane.csv' }],
  },
  automation: {
    specVersion: 1,
    name: 'nowe-wydania',
    title: 'Nowe wydania',
    summary: 'Sprawdza wydania co godzinę.',
    kind: 'automation',
    sources: [{ type: 'http-json', url: 'https://wydania.example.com/lista' }],
    outputs: OUTPUT,
  },
  'data-tool': {
    specVersion: 1,
    name: 'koszty-dzialow',
    title: 'Koszty działów',
    summary: 'Suma kosztów każdego działu.',
    kind: 'data-tool',
    entities: [{ name: 'koszt', fields: [{ name: 'dzial', type: 'string' }, { name: 'kwota', type: 'number' }] }],
    sources: [{ type: 'csv', path: 'dane.csv' }],
    outputs: OUTPUT,
  },
};

const DATA = { input: 'dzial,kwota\nKadry,1200.5\nKadry,300\nSprzedaż,99\n', items: [{ id: 'w-1', title: 'Wersja 2.0' }, { id: 'w-2', title: 'Wersja 2.1' }] };

/** [output, text] pairs the app must show in `language`; the same keys for both languages. */
function expectations(kind: AppKind, c: Catalog, language: AppLanguage): [string, string][] {
  const app = c.app;
  const date = language === 'pl' ? '31 maj 2024' : '31 May 2024';
  const amount = language === 'pl' ? '1234,5' : '1,234.5';
  switch (kind) {
    case 'api-service':
      return [
        ['home', app.api.endpoints],
        ['home', app.api.fullDescription],
        ['home', format(app.api.records, { label: 'Zgłoszenie' })],
        ['invalid', format(app.validation.notAField, { fields: 'tytul, emailZglaszajacego' })],
        ['missing', format(app.api.noSuchRecord, { entity: 'Zgłoszenie', id: 'nope' })],
        ['notFound', format(app.http.nothingAt, { path: '/nowhere' })],
        ['openapi', format(app.openapi.list, { entity: 'Zgłoszenie' })],
        ['openapi', app.openapi.noSuch],
      ];
    case 'form-app':
      return [
        ['form', app.form.send],
        ['form', app.form.choose],
        ['form', 'Email zglaszajacego'],
        ['invalid', app.form.correct],
        ['invalid', format(app.form.fieldError, { label: 'Tytuł zgłoszenia', message: app.validation.required })],
        ['invalidJson', app.validation.text],
        ['thanks', app.form.thanks],
        ['submissions', plural(app.form.count, 1, language)],
        ['submissions', app.form.downloadCsv],
        ['submissions', date],
        ['submissions', amount],
        ['submissions', app.common.yes],
        ['csvHeader', `${app.form.id},${app.form.submittedAt},Tytuł zgłoszenia,Email zglaszajacego,Kwota,Data zdarzenia,Pilne,Kategoria`],
        ['delivered', format(app.notify.appended, { target: 'powiadomienia.jsonl' })],
        ['mail', format(app.form.mailSubject, { title: 'Zgłoś awarię' })],
        ['mail', `Email zglaszajacego: anna@example.com\nKwota: ${amount}\nData zdarzenia: ${date}\nPilne: ${app.common.yes}`],
      ];
    case 'web-dashboard':
      return [
        ['page', format(c.build.sourceLabel, { index: 1, type: 'csv' })],
        ['page', plural(app.dashboard.rows, 3, language)],
        ['page', format(app.dashboard.valueBy, { value: 'kwota', label: 'dzial' })],
        ['page', app.dashboard.dataAsJson],
        ['page', language === 'pl' ? '1200,5' : '1,200.5'],
      ];
    case 'automation':
      return [
        ['before', app.runs.runNow],
        ['before', app.common.empty],
        ['before', app.automation.outputs],
        ['before', app.automation.outputTypes.file],
        ['after', app.runs.lastRuns],
        ['after', app.runs.manual],
        ['mail', plural(app.automation.mailSubject, 2, language, { title: 'Nowe wydania' })],
      ];
    case 'data-tool':
      return [
        ['before', app.report.noReport],
        ['noReport', app.report.noReportTitle],
        ['after', app.report.latest],
        ['after', app.report.total],
        ['after', app.report.downloadCsv],
        ['after', app.runs.manual],
        ['csvHeader', `Dzial,${app.report.count},${format(app.report.sum, { column: 'Kwota' })},${format(app.report.average, { column: 'Kwota' })}`],
        ['mail', plural(app.report.mailSubject, 3, language, { title: 'Koszty działów' })],
      ];
  }
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

const TRIM = /^[\s.,:;—–()"“”„'*_!?-]+|[\s.,:;—–()"“”„'*_!?-]+$/g;
const POLISH = strings(pl).join('\n').toLowerCase();

/** Every piece of English text of the catalog (between placeholders and code) that Polish never uses. */
const ENGLISH = [
  ...new Set(
    strings(en)
      .flatMap((text) => text.split(/\{\w+\}|`[^`]*`/))
      .map((piece) => piece.replace(TRIM, ''))
      .filter((piece) => /[A-Za-z]{3,}/.test(piece) && !POLISH.includes(piece.toLowerCase())),
  ),
];

/** Common English words no Polish page should show (catches text that bypasses the catalog). */
const ENGLISH_WORDS = /\b(the|and|with|your|yet|run|runs|next|last|download|submission|submissions|record|records|rows?|items?|nothing|choose|send|thank|schedule|sources|outputs|report|group|count|refreshed|shown|endpoints|required|must|invalid|failed)\b/i;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** What a person reads: text and labels of HTML, messages of JSON problems, raw text otherwise; no code. */
function readable(output: string): string {
  if (output.startsWith('{')) {
    const problem = JSON.parse(output) as { title?: string; detail?: string; errors?: { message: string }[] };
    return [problem.title, problem.detail, ...(problem.errors ?? []).map((error) => error.message)].join('\n');
  }
  if (!output.startsWith('<!doctype')) return output;
  const labels = [...output.matchAll(/aria-label="([^"]*)"/g)].map((match) => match[1]);
  const body = output.replace(/<style>[\s\S]*?<\/style>/g, ' ').replace(/<code>[\s\S]*?<\/code>/g, ' ').replace(/<[^>]+>/g, ' ');
  return [body, ...labels].join('\n').replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name]!).replace(/[ \t]+/g, ' ');
}

function withoutCode(markdown: string): string {
  return markdown.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`]*`/g, ' ');
}

function englishLeft(text: string): string[] {
  return ENGLISH.filter((piece) => new RegExp(`(?<![\\p{L}])${piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}])`, 'u').test(text));
}

describe('the catalogs', () => {
  it('label identifiers readably when the spec gives no label', () => {
    expect(humanize('emailZglaszajacego')).toBe('Email zglaszajacego');
    expect(humanize('purchased_on')).toBe('Purchased on');
    expect(humanize('ramGB2')).toBe('Ram gb 2');
  });

  it('find English left in a Polish text, and none in the Polish catalog itself', () => {
    expect(englishLeft('Wyślij')).toEqual([]);
    expect(englishLeft('Kliknij Send')).toEqual(['Send']);
    expect(englishLeft(strings(pl).join('\n'))).toEqual([]);
  });
});

describe.each(APP_KINDS)('a %s generated in Polish and in English', (kind) => {
  const rendered = {} as Record<AppLanguage, RenderedApp>;
  beforeAll(async () => {
    rendered.pl = await renderApp({ ...SPECS[kind], language: 'pl' }, DATA);
    rendered.en = await renderApp(SPECS[kind], DATA);
  }, 60_000);

  it.each(['pl', 'en'] as const)('shows every text of its screens, messages and exports in %s', (language) => {
    const { outputs } = rendered[language];
    for (const [name, text] of expectations(kind, catalogFor(language), language)) {
      expect(readable(outputs[name]!), `${name} in ${language}`).toContain(text);
    }
    for (const page of Object.values(outputs).filter((output) => output.startsWith('<!doctype'))) expect(page).toContain(`<html lang="${language}">`);
  });

  it('leaves no English on the Polish screens, messages, exports or README', () => {
    const { outputs, readme } = rendered.pl;
    for (const [name, output] of Object.entries(outputs)) {
      const text = readable(output);
      expect(englishLeft(text), `${name}:\n${text}`).toEqual([]);
      // Paths (/run, /api/data) are addresses, not words.
      expect(text.replace(/(^|\s)\/\S*/g, ' '), name).not.toMatch(ENGLISH_WORDS);
    }
    expect(englishLeft(withoutCode(readme)), readme).toEqual([]);
    expect(readme).toContain(pl.build.readme.language);
  });

  it.each(['pl', 'en'] as const)('says in its %s README what kind of app it is and what each field holds in words, the identifier only in code', (language) => {
    const { readme } = rendered[language];
    const words = catalogFor(language).build.readme;
    expect(readme).toContain(words.kindNames[kind]);
    // no kind as an identifier (`form-app`) anywhere, no field's type as one (`string`) in a list
    expect(readme).not.toMatch(new RegExp(`\`(?:${APP_KINDS.join('|')})\``));
    expect(readme).not.toMatch(/^- .*`(?:string|text|number|integer|boolean|date|datetime|email|url|enum)`/m);
    const fields = readme.split('\n').filter((line) => /^- .*\((?:w API|in the API|nagłówek w pliku CSV|CSV header): `/.test(line));
    if (kind === 'api-service' || kind === 'form-app' || kind === 'data-tool') expect(fields.length, readme).toBeGreaterThan(0);
    for (const line of fields) {
      expect(line, 'label first, then a worded type').toMatch(/^- [^`]+: [^`]+ \([^`]*`[^`]+`\)$/);
      expect(Object.values(words.fieldTypes).some((type) => line.includes(`: ${type}`)), line).toBe(true);
    }
  });

  it('shows labels, not identifiers, where people read', () => {
    for (const language of ['pl', 'en'] as const) {
      for (const [name, output] of Object.entries(rendered[language].outputs)) {
        if (name === 'invalid' && kind === 'api-service') continue; // the API's errors name the fields it accepts
        expect(readable(output), `${name} in ${language}`).not.toMatch(/emailZglaszajacego|dataZdarzenia|createdAt/);
      }
    }
  });
});
