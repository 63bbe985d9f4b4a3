import type { AppSpec, Field } from '@marketplace/spec';
import { type AppMessages, catalogFor, languageOf } from '../i18n/catalog.js';
import { type LabelledField, describeSetting, labelledFields, modelOutputs, scheduleSettings } from '../shared/app-model.js';
import { authFixture } from '../shared/fixtures.js';
import { fieldList } from '../shared/project-files.js';
import { type SampleValue, csvCell, sampleValue, toCsvText } from '../shared/samples.js';
import type { KindGenerator } from './kind-generator.js';

export const DEFAULT_DATA_TOOL_CRON = '0 6 * * *';

const DEFAULT_COLUMNS: Field[] = [
  { name: 'category', type: 'string', required: true },
  { name: 'amount', type: 'number', required: true },
];

const GROUP_PREFERENCE: Field['type'][] = ['enum', 'string', 'text', 'email', 'url', 'date', 'boolean', 'datetime'];
const FIXTURE_ROWS = 4;

const headerCell = (text: string): string => csvCell(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

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
function expectedReport(fields: readonly LabelledField[], rows: Record<string, SampleValue>[], group: LabelledField | undefined, messages: AppMessages['report']) {
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
    // The CSV names its columns by their labels, quoted and formula-safe like src/lib/csv-export.mjs does.
    csvHeader: [group?.label ?? messages.group, messages.count].map(headerCell).join(','),
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
    const language = languageOf(spec);
    const { app: messages, build: text } = catalogFor(language);
    const words = text.kinds['data-tool'];
    const fields = labelledFields(spec.entities?.[0]?.fields ?? DEFAULT_COLUMNS);
    const group = groupField(fields) as LabelledField | undefined;
    const measures = fields.filter((field) => field.type === 'number' || field.type === 'integer').map((field) => field.name);
    const input = (spec.sources ?? []).find((source) => source.type === 'csv');
    const { outputs, settings: outputSettings } = modelOutputs(spec);
    const rows = Array.from({ length: FIXTURE_ROWS }, (_, row) => Object.fromEntries(fields.map((field) => [field.name, fixtureValue(field, row, group)])));
    const columns = fields.map((field) => field.name);
    // A file on the workstation outside the data directory: INPUT holds its absolute path, read only.
    const onWorkstation = input?.workstationPath;
    return {
      outputs,
      ...(onWorkstation ? { readPaths: [{ path: onWorkstation, setting: 'INPUT' }] } : {}),
      settings: [
        onWorkstation
          ? { name: 'INPUT', description: text.settings.inputFile, default: onWorkstation, required: false, secret: false }
          : { name: 'INPUT', description: describeSetting(language, 'INPUT'), default: input?.url ?? input?.path ?? 'input.csv', required: false, secret: false },
        { name: 'GROUP_BY', description: describeSetting(language, 'GROUP_BY'), default: group?.name ?? '', required: false, secret: false },
        { name: 'MEASURES', description: describeSetting(language, 'MEASURES'), default: measures.join(','), required: false, secret: false },
        ...outputSettings,
        ...scheduleSettings(spec, DEFAULT_DATA_TOOL_CRON),
      ],
      // Pairs, not an object: a column may be called "__proto__".
      extras: { columns, columnLabels: fields.map((field) => [field.name, field.label]), inputOnWorkstation: Boolean(onWorkstation) },
      fixtures: {
        ...authFixture(spec.auth ?? 'none'),
        input: { name: 'fixture-input.csv', content: toCsvText(columns, rows), ...(onWorkstation ? { workstation: true } : {}) },
        expected: expectedReport(fields, rows, group, messages.report),
        /** What the status page says, in the app's language. */
        texts: { latest: messages.report.latest },
      },
      readme: {
        about: words.about,
        endpoints: [
          ['GET /', words.page],
          ['GET /api/report', words.report],
          ['GET /reports/latest.csv', words.csv],
          ['GET /api/runs', words.runs],
          ['POST /run', words.run],
        ],
        sections: [`## ${words.columns}\n\n${words.columnsIntro}\n\n${fieldList(fields, null, text.readme, 'columnInCsv')}`],
        notes: (spec.sources ?? []).some((source) => source.type !== 'csv') ? [words.csvOnly] : [],
      },
    };
  },
};
