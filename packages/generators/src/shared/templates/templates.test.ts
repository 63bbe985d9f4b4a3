import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApp } from '../../generate-app.js';
import { listTemplates } from '../../list-templates.js';

// The shared modules are plain JavaScript copied into every app; test them as they are, next to
// the messages module an English app gets.
let appDir: string;
beforeAll(async () => {
  appDir = await mkdtemp(join(tmpdir(), 'templates-test-'));
  await cp(new URL('./lib', import.meta.url), join(appDir, 'lib'), { recursive: true });
  const app = generateApp(listTemplates()[0]!.exampleSpec, { version: '1.0.0' });
  await writeFile(join(appDir, 'messages.mjs'), app.files.get('src/messages.mjs')!);
});
afterAll(() => rm(appDir, { recursive: true, force: true }));
const load = async (name: string): Promise<any> => import(pathToFileURL(join(appDir, 'lib', `${name}.mjs`)).href);

describe('csv-export.mjs', () => {
  it('quotes cells with commas, quotes and line breaks, and neutralises formulas', async () => {
    const { toCsv } = await load('csv-export');
    const csv = toCsv(['a', 'b', 'c'], [{ a: 'x, "y"', b: '=HYPERLINK("http://evil")', c: -5 }, { a: 'two\nlines', b: '@SUM(A1)', c: '+1' }]);
    expect(csv).toBe('a,b,c\r\n"x, ""y""","\'=HYPERLINK(""http://evil"")",-5\r\n"two\nlines",\'@SUM(A1),\'+1\r\n');
  });
});

describe('validate.mjs', () => {
  const fields = [
    { name: 'email', type: 'email', required: true },
    { name: 'when', type: 'date' },
    { name: 'at', type: 'datetime' },
    { name: 'count', type: 'integer' },
    { name: 'price', type: 'number' },
    { name: 'site', type: 'url' },
    { name: 'state', type: 'enum', values: ['open', ' spaced '] },
    { name: 'done', type: 'boolean' },
  ];

  it('accepts valid values of every type', async () => {
    const { validateRecord } = await load('validate');
    const input = { email: 'a@example.com', when: '2024-02-29', at: '2024-05-01T10:00:00+02:00', count: 3, price: 2.5, site: 'https://example.com', state: ' spaced ', done: false };
    expect(validateRecord(fields, input)).toEqual({ value: input });
  });

  it('names each invalid field and what it needs', async () => {
    const { validateRecord } = await load('validate');
    const result = validateRecord(fields, { when: '2023-02-29', at: 'noon', count: 1.5, price: 'x', site: 'javascript:alert(1)', state: 'closed', done: 'yes', extra: 1 });
    expect(result.errors.map((error: { field: string }) => error.field).sort()).toEqual(['at', 'count', 'done', 'email', 'extra', 'price', 'site', 'state', 'when']);
  });

  it('reads an HTML form: numbers, checkboxes and enum values kept exactly', async () => {
    const { fromFormInput } = await load('validate');
    expect(fromFormInput(fields, { email: ' a@example.com ', count: '7', price: 'abc', state: ' spaced ' })).toEqual({ email: 'a@example.com', count: 7, price: 'abc', state: ' spaced ', done: false });
  });

  it('does not let "__proto__" or "constructor" touch the prototype', async () => {
    const { validateRecord } = await load('validate');
    const input = JSON.parse('{"constructor": "x", "__proto__": {"polluted": true}}');
    const result = validateRecord([{ name: 'constructor', type: 'string' }], input);
    expect(result.errors).toEqual([{ field: '__proto__', message: 'is not a field; use one of: constructor' }]);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe('html.mjs', () => {
  it('escapes everything it shows, in text and attributes', async () => {
    const { escapeHtml, table, barChart } = await load('html');
    expect(escapeHtml('<a href="x">\'&')).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    expect(table(['<c>'], [{ '<c>': '<script>' }])).not.toContain('<script>');
    const svg = barChart([{ label: '</text><script>', value: 3 }], { title: '"><script>' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;');
  });
});

describe('sources.mjs', () => {
  it('reads RSS 2.0 and Atom items and gives them stable identities', async () => {
    const { itemsFromFeed, itemId } = await load('sources');
    const rss = itemsFromFeed('<rss version="2.0"><channel><item><title>A &amp; B</title><link>https://e.com/1</link><guid isPermaLink="false">g-1</guid></item></channel></rss>');
    expect(rss).toEqual([{ id: 'g-1', title: 'A & B', link: 'https://e.com/1', published: '', summary: '' }]);
    const atom = itemsFromFeed('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:1</id><title>T</title><link rel="alternate" href="https://e.com/a"/><updated>2024-01-01T00:00:00Z</updated></entry></feed>');
    expect(atom[0]).toMatchObject({ id: 'urn:1', link: 'https://e.com/a', published: '2024-01-01T00:00:00Z' });
    expect(itemId({ guid: 'x' })).toBe('guid:x');
    expect(itemId({ a: 1 })).toBe(itemId({ a: 1 }));
  });
});
