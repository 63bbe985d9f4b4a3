import { type Exercise, expect, expectStatus } from './exercise-context.js';

/** Reads the page and /api/data over the fixture sources (local CSV, JSON/RSS on loopback). */
export const exerciseWebDashboard: Exercise = async ({ fixtures, request }) => {
  const page = await request('/');
  await expectStatus(page, 200, 'GET /');
  const html = await page.text();
  expect(html.includes('<svg'), 'the dashboard page has no chart');
  expect(html.includes(fixtures.expectedText), `the dashboard page does not show the fixture data escaped (${fixtures.expectedText})`);
  const response = await request('/api/data');
  await expectStatus(response, 200, 'GET /api/data');
  const data = (await response.json()) as { sources: { total: number; error?: string }[] };
  const sources = fixtures.sources as { rows: number }[];
  expect(data.sources.length === sources.length, `GET /api/data has ${data.sources.length} sources, expected ${sources.length}`);
  data.sources.forEach((source, index) => {
    expect(!source.error, `source ${index + 1} failed: ${source.error}`);
    expect(source.total === sources[index]!.rows, `source ${index + 1} has ${source.total} rows, expected ${sources[index]!.rows}`);
  });
  return { detail: `page and data of ${sources.length} source${sources.length === 1 ? '' : 's'}`, notice: { code: 'validation.exercisedDashboard', params: { sources: sources.length } } };
};
