import { type Exercise, expect, expectStatus } from './exercise-context.js';

interface Run {
  ok: boolean;
  newItems?: number;
  error?: string;
}

/** Runs the job twice against the fixture sources: the second run must find nothing new. */
export const exerciseAutomation: Exercise = async ({ fixtures, request, received }) => {
  const runOnce = async (label: string): Promise<Run> => {
    const response = await request('/run', { method: 'POST' });
    await expectStatus(response, 200, `${label} POST /run`);
    return (await response.json()) as Run;
  };
  await runOnce('first');
  const second = await runOnce('second');
  expect(second.newItems === 0, `the second run reported ${second.newItems} new items: items are not de-duplicated`);
  const runsResponse = await request('/api/runs');
  await expectStatus(runsResponse, 200, 'GET /api/runs');
  // A scheduled run may have happened in between: count the new items of every run.
  const runs = ((await runsResponse.json()) as { items: Run[] }).items;
  const total = runs.reduce((sum, run) => sum + (run.newItems ?? 0), 0);
  expect(total === fixtures.expectedNewItems, `the runs found ${total} new items in all, expected ${fixtures.expectedNewItems}`);
  if (fixtures.webhookSettings.length > 0) {
    const posts = received.filter((request) => request.method === 'POST' && request.path === '/hook');
    expect(posts.length === fixtures.webhookSettings.length, `the webhooks received ${posts.length} posts, expected ${fixtures.webhookSettings.length}`);
  }
  return { detail: `${runs.length} runs, ${total} new items once, 0 on the second run`, notice: { code: 'validation.exercisedAutomation', params: { runs: runs.length, items: total } } };
};
