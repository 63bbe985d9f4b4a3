import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { URLSearchParams } from 'node:url';
import { fixtures } from './fixtures.mjs';
import { startApp } from './helpers.mjs';

const json = (body) => ({ method: 'POST', headers: { ...fixtures.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('API service', () => {
  let app;
  before(async () => {
    app = await startApp(fixtures.settings);
  });
  after(() => app.stop());

  it('answers /healthz without credentials', async () => {
    const response = await app.request('/healthz');
    assert.equal(response.status, 200);
    assert.equal((await response.json()).status, 'ok');
  });

  it('answers 400, not 500, to a malformed record id', async () => {
    const response = await app.request(`/api/${fixtures.entities[0].collection}/%E0%A4%A`, { headers: fixtures.headers });
    assert.equal(response.status, 400);
  });

  it('describes every collection in /openapi.json', async () => {
    const document = await (await app.request('/openapi.json')).json();
    assert.equal(document.openapi, '3.1.0');
    for (const entity of fixtures.entities) assert.ok(document.paths[`/api/${entity.collection}`], entity.collection);
  });

  for (const entity of fixtures.entities) {
    describe(`/api/${entity.collection}`, () => {
      const base = `/api/${entity.collection}`;

      it('creates, reads, lists, updates and deletes a record', async () => {
        const created = await app.request(base, json(entity.sample));
        assert.equal(created.status, 201, await created.clone().text());
        const record = await created.json();
        assert.ok(record.id);
        for (const [name, value] of Object.entries(entity.sample)) assert.deepEqual(record[name], value, name);

        const fetched = await (await app.request(`${base}/${record.id}`, { headers: fixtures.headers })).json();
        assert.equal(fetched.id, record.id);

        const list = await (await app.request(`${base}?limit=1`, { headers: fixtures.headers })).json();
        assert.equal(list.items.length, 1);
        assert.ok(list.total >= 1);

        const replaced = await app.request(`${base}/${record.id}`, { ...json(entity.otherSample), method: 'PUT' });
        assert.equal(replaced.status, 200, await replaced.clone().text());
        const replacedRecord = await replaced.json();
        for (const [name, value] of Object.entries(entity.otherSample)) assert.deepEqual(replacedRecord[name], value, name);

        const deleted = await app.request(`${base}/${record.id}`, { method: 'DELETE', headers: fixtures.headers });
        assert.equal(deleted.status, 204);
        assert.equal((await app.request(`${base}/${record.id}`, { headers: fixtures.headers })).status, 404);
      });

      it('filters by a field and pages with limit and offset', async () => {
        await app.request(base, json(entity.sample));
        await app.request(base, json(entity.otherSample));
        const { field, value } = entity.filter;
        const filtered = await (await app.request(`${base}?${new URLSearchParams({ [field]: String(value) })}`, { headers: fixtures.headers })).json();
        assert.ok(filtered.total >= 1);
        for (const item of filtered.items) assert.equal(String(item[field]), String(value));
        const second = await (await app.request(`${base}?limit=1&offset=1`, { headers: fixtures.headers })).json();
        assert.equal(second.offset, 1);
        assert.equal(second.items.length, 1);
      });

      it('refuses invalid values and unknown fields, naming the field', async () => {
        if (entity.invalid) {
          const response = await app.request(base, json({ ...entity.sample, [entity.invalid.field]: entity.invalid.value }));
          assert.equal(response.status, 422);
          const problem = await response.json();
          assert.ok(problem.errors.some((error) => error.field === entity.invalid.field), JSON.stringify(problem));
        }
        const unknown = await app.request(base, json({ ...entity.sample, notAField: 1 }));
        assert.equal(unknown.status, 422);
      });
    });
  }

  if (fixtures.auth !== 'none') {
    it('refuses requests without credentials', async () => {
      const response = await app.request(`/api/${fixtures.entities[0].collection}`);
      assert.equal(response.status, 401);
    });
  }

  // Last, on the suite's own app: stopping it is the first half of the restart, so the suite starts the app twice, not three times.
  it('keeps records across a restart', async () => {
    const entity = fixtures.entities[0];
    const record = await (await app.request(`/api/${entity.collection}`, json(entity.sample))).json();
    assert.equal(await app.stop(), 0);
    app = await startApp(fixtures.settings, { dataDir: app.dataDir });
    const response = await app.request(`/api/${entity.collection}/${record.id}`, { headers: fixtures.headers });
    assert.equal(response.status, 200);
  });
});
