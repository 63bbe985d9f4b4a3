import { type Exercise, expect, expectStatus } from './exercise-context.js';

/** Makes a report from the fixture CSV and checks its groups and sums. */
export const exerciseDataTool: Exercise = async ({ fixtures, request }) => {
  const run = await request('/run', { method: 'POST' });
  await expectStatus(run, 200, 'POST /run');
  const response = await request('/api/report');
  await expectStatus(response, 200, 'GET /api/report');
  const report = (await response.json()) as { rowCount: number; groups: { key: string; count: number; measures: { sum: number }[] }[] };
  const expected = fixtures.expected as { rowCount: number; groups: [string, number, number[]][] };
  expect(report.rowCount === expected.rowCount, `the report counts ${report.rowCount} rows, expected ${expected.rowCount}`);
  const actual = JSON.stringify(report.groups.map((group) => [group.key, group.count, group.measures.map((measure) => measure.sum)]));
  expect(actual === JSON.stringify(expected.groups), `the report groups are ${actual}, expected ${JSON.stringify(expected.groups)}`);
  return { detail: `report of ${report.rowCount} row${report.rowCount === 1 ? '' : 's'} in ${report.groups.length} group${report.groups.length === 1 ? '' : 's'}`, notice: { code: 'validation.exercisedDataTool', params: { rows: report.rowCount, groups: report.groups.length } } };
};
