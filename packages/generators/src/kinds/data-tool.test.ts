import type { AppSpec } from '@marketplace/spec';
import { describe, expect, it } from 'vitest';
import { describeReport, generateAndValidate } from '../testing/generated-app-dir.js';
import { dataTool, groupField } from './data-tool.js';

const spec: AppSpec = {
  specVersion: 1,
  name: 'overtime-report',
  title: 'Overtime per department',
  summary: 'Hours and cost of overtime per department, weekly.',
  kind: 'data-tool',
  entities: [
    {
      name: 'shift',
      fields: [
        { name: 'employee', type: 'string' },
        { name: 'department', type: 'enum', values: ['Ops', 'Sales, EMEA', 'R&D "labs"'] },
        { name: 'hours', type: 'number' },
        { name: 'cost', type: 'integer' },
      ],
    },
  ],
  sources: [{ type: 'csv', path: 'exports/overtime.csv' }],
  schedule: { cron: '0 8 * * 1' },
  outputs: [{ type: 'file', target: 'reports/log.jsonl' }],
  auth: 'api-key',
};

describe('data-tool generator', () => {
  it('groups by the first enum field, else the first string field', () => {
    expect(groupField(spec.entities![0]!.fields)?.name).toBe('department');
    expect(groupField([{ name: 'team', type: 'string' }, { name: 'n', type: 'integer' }])?.name).toBe('team');
    expect(groupField([{ name: 'n', type: 'integer' }])).toBeUndefined();
  });

  it('reads the spec CSV and sums its numeric fields by default', () => {
    const defaults = Object.fromEntries(dataTool.build(spec).settings.map((setting) => [setting.name, setting.default]));
    expect(defaults).toMatchObject({ INPUT: 'exports/overtime.csv', GROUP_BY: 'department', MEASURES: 'hours,cost', SCHEDULE_CRON: '0 8 * * 1' });
  });

  it('expects sums per group of its fixture rows', () => {
    const { expected } = dataTool.build(spec).fixtures as { expected: { groups: [string, number, number[]][] } };
    expect(expected.groups).toEqual([
      ['Ops', 2, [1.5 + 4.5, 1 + 3]],
      ['Sales, EMEA', 2, [3 + 6, 2 + 4]],
    ]);
  });

  it('generates an app that builds, passes its own tests and reports on a fixture CSV in the sandbox', async () => {
    const report = await generateAndValidate(spec);
    expect(report.ok, describeReport(report)).toBe(true);
    expect(report.steps.find((step) => step.name === 'exercise')?.detail).toBe('report of 4 rows in 2 groups');
  });

  it('generates a Polish app that passes its own tests and the sandbox as well', async () => {
    const report = await generateAndValidate({ ...spec, language: 'pl' });
    expect(report.ok, describeReport(report)).toBe(true);
  });
});
