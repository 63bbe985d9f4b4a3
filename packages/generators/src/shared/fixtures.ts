import type { Field } from '@marketplace/spec';
import type { AppDefinition, ModelSource } from './app-model.js';
import { escapeHtml, sampleValue, toCsvText } from './samples.js';

export const TEST_API_KEY = 'test-key-7f3a9c2e5b1d';

/** Settings and headers that pass the app's auth check in tests and validation. */
export function authFixture(auth: AppDefinition['auth']): { auth: string; settings: Record<string, string>; headers: Record<string, string> } {
  if (auth === 'api-key') return { auth, settings: { API_KEY: TEST_API_KEY }, headers: { authorization: `Bearer ${TEST_API_KEY}` } };
  if (auth === 'sso') return { auth, settings: {}, headers: { 'x-forwarded-user': 'tester@example.com' } };
  return { auth, settings: {}, headers: {} };
}

/** A value that must come out HTML-escaped wherever the app shows source data. */
export const MARKER = '<b>unescaped</b>';
export const ESCAPED_MARKER = escapeHtml(MARKER);

export interface SourceFixture {
  setting: string;
  type: ModelSource['type'];
  /** Served over HTTP at this path of the fixture server… */
  path?: string;
  /** …or written to this file of the data directory (or, for a workstation file, given by its absolute path). */
  file?: { name: string; content: string };
  /** The file stands in for a read-only file on the workstation: its setting takes an absolute path. */
  workstation?: boolean;
  rows: number;
}

function rssFeed(index: number): string {
  const item = (n: number, title: string) =>
    `<item><title>${title}</title><link>https://example.com/${index}/${n}</link><guid>source-${index}-item-${n}</guid><description>Item ${n}</description></item>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Fixture feed ${index}</title><link>https://example.com/</link><description>Fixture</description>
${item(1, escapeHtml(MARKER))}
${item(2, 'Second item')}
</channel></rss>
`;
}

const TEXT_TYPES: readonly Field['type'][] = ['string', 'text', 'email', 'url', 'enum'];

/**
 * Two sample rows with the columns the spec declares (its first record's fields), MARKER in the first
 * text column; null when no field can hold it (the default columns are used then).
 */
function declaredCsv(columns: readonly Field[]): { content: string; rows: number } | null {
  const marked = columns.find((field) => field.type === 'string' || field.type === 'text');
  if (!marked || columns.length === 0) return null;
  const rows = [0, 1].map((variant) =>
    Object.fromEntries(columns.map((field) => [field.name, field === marked && variant === 0 ? MARKER : TEXT_TYPES.includes(field.type) ? String(sampleValue(field, variant as 0 | 1)) : sampleValue(field, variant as 0 | 1)])),
  );
  return { content: toCsvText(columns.map((field) => field.name), rows), rows: rows.length };
}

/**
 * Fixture data for every source of an app: JSON and RSS served from a local server, CSV
 * written into the data directory. Each holds MARKER once, to prove the page escapes it.
 * A workstation file gets a generated sample with `columns` (the spec's fields) when given.
 */
export function sourceFixtures(sources: readonly ModelSource[], columns: readonly Field[] = []): { sources: SourceFixture[]; remote: Record<string, { type: string; body: string }> } {
  const fixtures: SourceFixture[] = [];
  const remote: Record<string, { type: string; body: string }> = {};
  sources.forEach((source, position) => {
    const index = position + 1;
    if (source.type === 'http-json') {
      const items = [
        { id: `s${index}-1`, title: MARKER, category: 'alpha', amount: 3 },
        { id: `s${index}-2`, title: 'Second', category: 'beta', amount: 5 },
        { id: `s${index}-3`, title: 'Third', category: 'alpha', amount: 2 },
      ];
      remote[`/source-${index}`] = { type: 'application/json', body: JSON.stringify({ items }) };
      fixtures.push({ setting: source.setting, type: source.type, path: `/source-${index}`, rows: items.length });
    } else if (source.type === 'rss') {
      remote[`/source-${index}`] = { type: 'application/rss+xml', body: rssFeed(index) };
      fixtures.push({ setting: source.setting, type: source.type, path: `/source-${index}`, rows: 2 });
    } else {
      const rows = [
        { name: MARKER, category: 'alpha', amount: 3 },
        { name: `Second ${index}`, category: 'beta', amount: 5 },
      ];
      const content = toCsvText(['name', 'category', 'amount'], rows);
      const declared = source.workstation ? declaredCsv(columns) : null;
      if (source.workstation) {
        fixtures.push({ setting: source.setting, type: source.type, file: { name: `workstation-${index}.csv`, content: declared?.content ?? content }, workstation: true, rows: declared?.rows ?? rows.length });
      } else if (source.setting.endsWith('_URL')) {
        remote[`/source-${index}`] = { type: 'text/csv', body: content };
        fixtures.push({ setting: source.setting, type: source.type, path: `/source-${index}`, rows: rows.length });
      } else {
        fixtures.push({ setting: source.setting, type: source.type, file: { name: `source-${index}.csv`, content }, rows: rows.length });
      }
    }
  });
  return { sources: fixtures, remote };
}

/** Source settings pointing nowhere reachable (a closed loopback port, a missing file). */
export function offlineSettings(sources: readonly ModelSource[]): Record<string, string> {
  return Object.fromEntries(sources.map((source) => [source.setting, source.workstation ? '/nonexistent/marketplace-offline.csv' : source.setting.endsWith('_PATH') ? 'missing.csv' : 'http://127.0.0.1:9/offline']));
}
