import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixtures } from './fixtures.mjs';
import { startApp, startFixtureServer } from './helpers.mjs';

describe('web dashboard', () => {
  let app;
  let remote;
  before(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dashboard-test-'));
    remote = await startFixtureServer(fixtures.remote);
    const settings = { ...fixtures.settings };
    for (const source of fixtures.sources) {
      if (source.file) {
        await writeFile(join(dataDir, source.file.name), source.file.content);
        // a workstation file is given by its absolute path, like the deploy agent's grant
        settings[source.setting] = source.workstation ? join(dataDir, source.file.name) : source.file.name;
      } else {
        settings[source.setting] = remote.url + source.path;
      }
    }
    app = await startApp(settings, { dataDir });
  });
  after(async () => {
    await app.stop();
    await remote.close();
  });

  it('serves the rows of every source at /api/data', async () => {
    const response = await app.request('/api/data', { headers: fixtures.headers });
    assert.equal(response.status, 200);
    const data = await response.json();
    assert.equal(data.sources.length, fixtures.sources.length);
    for (const [index, source] of fixtures.sources.entries()) {
      assert.equal(data.sources[index].error, undefined);
      assert.equal(data.sources[index].total, source.rows);
    }
  });

  it('draws a chart and a table on the page, escaping the data', async () => {
    const response = await app.request('/', { headers: fixtures.headers });
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.ok(html.includes('<svg'), 'an inline SVG chart');
    assert.ok(html.includes('<table>'));
    assert.ok(html.includes(fixtures.expectedText), fixtures.expectedText);
    assert.ok(!html.includes('<script'), 'no script: the page works offline');
    assert.ok(!html.includes('<b>unescaped</b>'));
  });

  it('answers /healthz', async () => {
    assert.equal((await app.request('/healthz')).status, 200);
  });

  if (fixtures.auth !== 'none') {
    it('refuses requests without credentials', async () => {
      assert.equal((await app.request('/api/data')).status, 401);
    });
  }
});
