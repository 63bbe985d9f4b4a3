import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixtures } from './fixtures.mjs';
import { startApp } from './helpers.mjs';

describe('data tool', () => {
  let app;
  before(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'data-tool-test-'));
    await writeFile(join(dataDir, fixtures.input.name), fixtures.input.content);
    app = await startApp({ ...fixtures.settings, INPUT: fixtures.input.workstation ? join(dataDir, fixtures.input.name) : fixtures.input.name, SCHEDULE_CRON: 'off' }, { dataDir });
  });
  after(() => app.stop());

  it('has no report before the first run', async () => {
    assert.equal((await app.request('/api/report', { headers: fixtures.headers })).status, 404);
  });

  it('groups the CSV rows and sums and averages the numbers', async () => {
    const response = await app.request('/run', { method: 'POST', headers: fixtures.headers });
    assert.equal(response.status, 200, await response.clone().text());
    const report = await (await app.request('/api/report', { headers: fixtures.headers })).json();
    assert.equal(report.rowCount, fixtures.expected.rowCount);
    assert.equal(report.groupBy, fixtures.expected.groupBy);
    assert.deepEqual(
      report.groups.map((group) => [group.key, group.count, group.measures.map((measure) => measure.sum)]),
      fixtures.expected.groups,
    );
  });

  it('writes the report as CSV into the data directory', async () => {
    const files = await readdir(join(app.dataDir, 'reports'));
    assert.ok(files.some((file) => file.endsWith('.csv')), files.join(', '));
    const csv = await (await app.request('/reports/latest.csv', { headers: fixtures.headers })).text();
    assert.ok(csv.startsWith(fixtures.expected.csvHeader), csv);
  });

  it('shows the report on the status page', async () => {
    const html = await (await app.request('/', { headers: fixtures.headers })).text();
    assert.ok(html.includes(fixtures.texts.latest));
    assert.ok(html.includes('<svg'));
  });

  if (fixtures.auth !== 'none') {
    it('refuses a run without credentials', async () => {
      assert.equal((await app.request('/run', { method: 'POST' })).status, 401);
    });
  }
});
