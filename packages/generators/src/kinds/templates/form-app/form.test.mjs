import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { URLSearchParams } from 'node:url';
import { fixtures } from './fixtures.mjs';
import { startApp, startFixtureServer } from './helpers.mjs';

describe('form app', () => {
  let app;
  let webhook;
  before(async () => {
    webhook = await startFixtureServer();
    const webhookSettings = Object.fromEntries(fixtures.webhookSettings.map((name) => [name, `${webhook.url}/hook`]));
    app = await startApp({ ...fixtures.settings, ...webhookSettings });
  });
  after(async () => {
    await app.stop();
    await webhook.close();
  });

  it('shows the form with a control for every field', async () => {
    const response = await app.request('/', { headers: fixtures.headers });
    assert.equal(response.status, 200);
    const html = await response.text();
    for (const field of fixtures.fields) assert.ok(html.includes(`name="${field.name}"`), field.name);
    for (const field of fixtures.fields.filter((candidate) => candidate.type === 'enum')) assert.ok(html.includes(`<select id="field-${field.name}"`));
  });

  it('saves a submitted form and lists it', async () => {
    const response = await app.request('/submit', {
      method: 'POST',
      headers: { ...fixtures.headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fixtures.form).toString(),
      redirect: 'manual',
    });
    assert.equal(response.status, 303, await response.text());
    const list = await (await app.request('/api/submissions', { headers: fixtures.headers })).json();
    assert.equal(list.total, 1);
    for (const [name, value] of Object.entries(fixtures.sample)) assert.deepEqual(list.items[0][name], value, name);
    const page = await (await app.request('/submissions', { headers: fixtures.headers })).text();
    assert.ok(page.includes(fixtures.texts.oneSubmission), page);
  });

  it('refuses an invalid submission and says which field is wrong', async () => {
    if (!fixtures.invalid) return;
    const response = await app.request('/submit', {
      method: 'POST',
      headers: { ...fixtures.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ ...fixtures.sample, [fixtures.invalid.field]: fixtures.invalid.value }),
    });
    assert.equal(response.status, 422);
    assert.ok((await response.json()).errors.some((error) => error.field === fixtures.invalid.field));
  });

  it('exports submissions as CSV, neutralising formulas', async () => {
    const response = await app.request('/submit', {
      method: 'POST',
      headers: { ...fixtures.headers, 'content-type': 'application/json' },
      body: JSON.stringify(fixtures.formulaSample ?? fixtures.sample),
    });
    assert.equal(response.status, 201);
    const csv = await (await app.request('/submissions.csv', { headers: fixtures.headers })).text();
    const lines = csv.trim().split('\r\n');
    assert.ok(lines[0].startsWith(fixtures.csvHeaderStart), lines[0]);
    assert.ok(lines.length >= 2);
    if (fixtures.formulaSample) {
      assert.ok(csv.includes("'=1+1"), csv);
      assert.ok(!/(^|,)=1\+1/m.test(csv), csv);
    }
  });

  if (fixtures.webhookSettings.length > 0) {
    it('posts each submission to the webhook', async () => {
      const posts = webhook.received.filter((request) => request.method === 'POST');
      assert.ok(posts.length >= 1);
      assert.equal(JSON.parse(posts[0].body).app, fixtures.name);
    });
  }

  if (fixtures.auth !== 'none') {
    it('keeps the submissions private', async () => {
      assert.equal((await app.request('/api/submissions')).status, 401);
      assert.equal((await app.request('/submissions.csv')).status, 401);
    });
  }
});
