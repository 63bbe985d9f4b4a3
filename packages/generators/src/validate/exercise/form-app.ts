import { type Exercise, expect, expectStatus } from './exercise-context.js';

/** Submits the form as a browser would, then reads the submissions as JSON and CSV. */
export const exerciseFormApp: Exercise = async ({ fixtures, request }) => {
  const submitted = await request('/submit', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fixtures.form).toString(),
    redirect: 'manual',
  });
  await expectStatus(submitted, 303, 'POST /submit');
  const listed = await request('/api/submissions');
  await expectStatus(listed, 200, 'GET /api/submissions');
  const list = (await listed.json()) as { items: Record<string, unknown>[]; total: number };
  expect(list.total === 1, `GET /api/submissions lists ${list.total} submissions, expected 1`);
  for (const [name, value] of Object.entries(fixtures.sample as Record<string, unknown>)) {
    expect(Object.hasOwn(list.items[0]!, name) && list.items[0]![name] === value, `the stored submission has ${name}=${JSON.stringify(list.items[0]![name])}, expected ${JSON.stringify(value)}`);
  }
  const exported = await request('/submissions.csv');
  await expectStatus(exported, 200, 'GET /submissions.csv');
  expect(String(exported.headers.get('content-type')).startsWith('text/csv'), 'GET /submissions.csv is not text/csv');
  const lines = (await exported.text()).trim().split('\r\n');
  expect(lines[0]!.startsWith(fixtures.csvHeaderStart), `the CSV header is ${JSON.stringify(lines[0])}, expected it to start with ${JSON.stringify(fixtures.csvHeaderStart)}`);
  expect(lines.length >= 2, 'the CSV export has no data row');
  return { detail: 'submitted the form, listed 1 submission, exported CSV', notice: { code: 'validation.exercisedForm', params: {} } };
};
