import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixtures } from './fixtures.mjs';
import { startApp, startFixtureServer } from './helpers.mjs';

describe('automation', () => {
  let app;
  let remote;
  before(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'automation-test-'));
    remote = await startFixtureServer(fixtures.remote);
    const settings = { ...fixtures.settings, SCHEDULE_CRON: 'off' };
    for (const source of fixtures.sources) {
      if (source.file) {
        await writeFile(join(dataDir, source.file.name), source.file.content);
        // a workstation file is given by its absolute path, like the deploy agent's grant
        settings[source.setting] = source.workstation ? join(dataDir, source.file.name) : source.file.name;
      } else {
        settings[source.setting] = remote.url + source.path;
      }
    }
    for (const name of fixtures.webhookSettings) settings[name] = `${remote.url}/hook`;
    // the deploy agent gives these to an app that declares MCP tools; here the fixture server answers for it
    if (fixtures.mcpTools.length > 0) Object.assign(settings, { MARKETPLACE_AGENT_URL: remote.url, MARKETPLACE_APP_TOKEN: 'test-app-token' });
    app = await startApp(settings, { dataDir });
  });
  after(async () => {
    await app.stop();
    await remote.close();
  });

  const run = async () => {
    const response = await app.request('/run', { method: 'POST', headers: fixtures.headers });
    assert.equal(response.status, 200, await response.clone().text());
    return response.json();
  };

  it('fetches the sources and reports the new items', async () => {
    const first = await run();
    assert.equal(first.newItems, fixtures.expectedNewItems);
    for (const source of first.sources) assert.equal(source.error, undefined, source.error);
  });

  it('does not report the same items twice', async () => {
    const second = await run();
    assert.equal(second.newItems, 0);
  });

  if (fixtures.webhookSettings.length > 0) {
    it('posts the new items to the webhook once', async () => {
      const posts = remote.received.filter((request) => request.method === 'POST' && request.path === '/hook');
      assert.equal(posts.length, fixtures.webhookSettings.length);
      assert.equal(JSON.parse(posts[0].body).data.items.length, fixtures.expectedNewItems);
    });
  }

  if (fixtures.mcpTools.length > 0) {
    it('calls each declared MCP tool through its agent: sources on each run, outputs with the new items once', async () => {
      const calls = remote.received.filter((request) => request.path === '/mcp/call').map((request) => JSON.parse(request.body));
      const sources = fixtures.mcpTools.filter((tool) => tool.use === 'source');
      const outputs = fixtures.mcpTools.filter((tool) => tool.use === 'output');
      for (const tool of sources) {
        const sent = calls.filter((c) => c.server === tool.server && c.tool === tool.tool && c.use === 'source');
        assert.equal(sent.length, 2);
        // the arguments the spec fixes go with every call (the marketplace refuses one without them)
        for (const call of sent) assert.deepEqual(call.arguments, tool.arguments ?? {});
      }
      for (const tool of outputs) {
        const sent = calls.filter((c) => c.server === tool.server && c.tool === tool.tool && c.use === 'output');
        assert.equal(sent.length, 1);
        assert.equal(sent[0].arguments.items.length, fixtures.expectedNewItems);
        for (const [name, value] of Object.entries(tool.arguments ?? {})) assert.equal(sent[0].arguments[name], value);
      }
    });
  }

  it('lists the runs on the status page and in /api/runs', async () => {
    const runs = await (await app.request('/api/runs', { headers: fixtures.headers })).json();
    assert.equal(runs.items.length, 2);
    const html = await (await app.request('/', { headers: fixtures.headers })).text();
    assert.ok(html.includes(fixtures.texts.lastRuns));
    assert.ok(html.includes(fixtures.texts.runNow));
  });

  if (fixtures.auth !== 'none') {
    it('refuses a run without credentials', async () => {
      assert.equal((await app.request('/run', { method: 'POST' })).status, 401);
    });
  }
});

describe('schedule', () => {
  it('announces the next scheduled run', async () => {
    const app = await startApp({ ...fixtures.settings, ...fixtures.offlineSettings, SCHEDULE_CRON: fixtures.cron });
    try {
      const runs = await (await app.request('/api/runs', { headers: fixtures.headers })).json();
      assert.ok(runs.nextRun && !Number.isNaN(Date.parse(runs.nextRun)), JSON.stringify(runs));
    } finally {
      await app.stop();
    }
  });
});
