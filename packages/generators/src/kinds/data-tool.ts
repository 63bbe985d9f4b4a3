import type { AppSpec, Field } from '@marketplace/spec';
import { modelOutputs, scheduleSettings } from '../shared/app-model.js';
import { authFixture } from '../shared/fixtures.js';
import { markdownText } from '../shared/project-files.js';
import { type SampleValue, sampleValue, toCsvText } from '../shared/samples.js';
import type { KindGenerator } from './kind-generator.js';

export const DEFAULT_DATA_TOOL_CRON = '0 6 * * *';

const DEFAULT_COLUMNS: Field[] = [
  { name: 'category', type: 'string', required: true },
  { name: 'amount', type: 'number', required: true },
];

const GROUP_PREFERENCE: Field['type'][] = ['enum', 'string', 'text', 'email', 'url', 'date', 'boolean', 'datetime'];
const FIXTURE_ROWS = 4;

/** The column to group by: the first enum field, else the first string field, else any non-numeric one. */
export function groupField(fields: readonly Field[]): Field | undefined {
  for (const type of GROUP_PREFERENCE) {
    const field = fields.find((candidate) => candidate.type === type);
    if (field) return field;
  }
  return undefined;
}

function fixtureValue(field: Field, row: number, group: Field | undefined): SampleValue {
  if (field.type === 'integer') return row + 1;
  if (field.type === 'number') return (row + 1) * 1.5;
  if (field === group && field.type === 'string') return row % 2 ? 'south' : 'north';
  return sampleValue(field, (row % 2) as 0 | 1);
}

/** What the report must say about the fixture rows (the same grouping as src/report.mjs). */
function expectedReport(fields: readonly Field[], rows: Record<string, SampleValue>[], group: Field | undefined) {
  const measures = fields.filter((field) => field.type === 'number' || field.type === 'integer').map((field) => field.name);
  const groupBy = group?.name ?? null;
  const groups = new Map<string, { count: number; sums: number[] }>();
  for (const row of rows) {
    const key = groupBy ? String(row[groupBy]) || '(empty)' : '(all)';
    const entry = groups.get(key) ?? { count: 0, sums: measures.map(() => 0) };
    entry.count += 1;
    measures.forEach((measure, index) => {
      entry.sums[index]! += Number(row[measure]);
    });
    groups.set(key, entry);
  }
  const sorted = [...groups].sort(([a], [b]) => a.localeCompare(b));
  return {
    rowCount: rows.length,
    groupBy,
    groups: sorted.map(([key, entry]) => [key, entry.count, entry.sums.map((sum) => Math.round(sum * 10000) / 10000)]),
    csvHeader: `${groupBy ?? 'group'},count`,
  };
}

const exampleSpec: AppSpec = {
  specVersion: 1,
  name: 'expense-report',
  title: 'Expenses per team',
  summary: 'Every Monday, totals and averages of the expense export per team, mailed to finance.',
  kind: 'data-tool',
  entities: [
    {
      name: 'expense',
      fields: [
        { name: 'team', type: 'enum', values: ['Sales', 'Support', 'Engineering'], required: true },
        { name: 'amount', type: 'number', required: true },
        { name: 'spentOn', type: 'date' },
      ],
    },
  ],
  sources: [{ type: 'csv', path: 'expenses.csv' }],
  schedule: { cron: '0 7 * * 1', timezone: 'Europe/Berlin' },
  outputs: [{ type: 'email', target: 'finance@example.com' }, { type: 'file', target: 'reports/history.jsonl' }],
};

export const dataTool: KindGenerator = {
  kind: 'data-tool',
  title: 'Data report',
  description: 'Reads a CSV file on a schedule, groups its rows by a column, sums and averages the numeric columns and writes the report to a file, email or webhook; with a status page and a run-now button.',
  parameters: ['entities', 'sources', 'outputs', 'schedule', 'auth'],
  exampleSpec,
  libraries: ['csv-read', 'csv-export', 'notify', 'runs', 'schedule'],
  bundled: ['croner', 'csv-parse', 'nodemailer'],
  templates: ['app.mjs', 'report.mjs', 'report.test.mjs'],
  build(spec) {
    const fields = spec.entities?.[0]?.fields ?? DEFAULT_COLUMNS;
    const group = groupField(fields);
    const measures = fields.filter((field) => field.type === 'number' || field.type === 'integer').map((field) => field.name);
    const input = (spec.sources ?? []).find((source) => source.type === 'csv');
    const { outputs, settings: outputSettings } = modelOutputs(spec);
    const rows = Array.from({ length: FIXTURE_ROWS }, (_, row) => Object.fromEntries(fields.map((field) => [field.name, fixtureValue(field, row, group)])));
    const columns = fields.map((field) => field.name);
    return {
      outputs,
      settings: [
        { name: 'INPUT', description: 'The CSV to read: a file relative to DATA_DIR, or an http(s) URL.', default: input?.url ?? input?.path ?? 'input.csv', required: false, secret: false },
        { name: 'GROUP_BY', description: 'Column to group the rows by; empty means the first text column.', default: group?.name ?? '', required: false, secret: false },
        { name: 'MEASURES', description: 'Comma-separated numeric columns to sum and average; empty means every numeric column.', default: measures.join(','), required: false, secret: false },
        ...outputSettings,
        ...scheduleSettings(spec, DEFAULT_DATA_TOOL_CRON),
      ],
      extras: { columns },
      fixtures: {
        ...authFixture(spec.auth ?? 'none'),
        input: { name: 'fixture-input.csv', content: toCsvText(columns, rows) },
        expected: expectedReport(fields, rows, group),
      },
      readme: {
        about: 'On every run it reads the CSV named by `INPUT`, groups the rows by `GROUP_BY`, sums and averages the `MEASURES` columns, writes the report to `DATA_DIR/reports/` (a CSV per run and `latest.json`) and sends it to the outputs (by email as a CSV attachment).',
        endpoints: [
          ['GET /', 'Status page: the latest report with a chart, the last runs, a run-now button.'],
          ['GET /api/report', 'The latest report as JSON.'],
          ['GET /reports/latest.csv', 'The latest report as CSV.'],
          ['GET /api/runs', 'The last runs, with the next scheduled run.'],
          ['POST /run', 'Make a report now.'],
        ],
        sections: [`## Input columns\n\nThe CSV needs a header row with these columns:\n\n${fields.map((field) => `- \`${field.name}\`: ${field.type}${field.type === 'enum' ? ` (${(field.values ?? []).map(markdownText).join(', ')})` : ''}`).join('\n')}`],
        notes: (spec.sources ?? []).some((source) => source.type !== 'csv') ? ['Only CSV sources are read by this kind of app; the other sources of the spec were left out.'] : [],
      },
    };
  },
};
