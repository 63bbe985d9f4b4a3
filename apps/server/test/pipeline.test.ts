import { createKeyList, generateRootKey, verifyRelease, type GeneratedKey } from '@marketplace/release';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createPipelineApp, register, type Account, type TestApp } from './helper.js';

let t: TestApp;
let pipeline: Awaited<ReturnType<typeof createPipelineApp>>;
let admin: Account;
let releaseKey: GeneratedKey;
const root = generateRootKey({ passphrase: 'pipeline test passphrase' });

beforeAll(async () => {
  pipeline = await createPipelineApp();
  ({ t, releaseKey } = pipeline);
  admin = await register(t.app);
}, 120_000);

afterAll(async () => pipeline?.close());

async function waitFor(id: string, account: Account, timeoutMs = 150_000) {
  const started = Date.now();
  for (;;) {
    const body = (await call(t.app, account, { method: 'GET', url: `/api/v1/requests/${id}` })).json();
    if (body.state === 'published' || body.state === 'failed') return body;
    if (Date.now() - started > timeoutMs) throw new Error(`request ${id} still ${body.state} after ${timeoutMs} ms: ${JSON.stringify(body.steps)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('request → signed release in the catalog', () => {
  it('builds an API from a request in words, validates, scans, signs and publishes it', async () => {
    const submitted = await call(t.app, admin, {
      method: 'POST',
      url: '/api/v1/requests',
      payload: { text: 'I need a REST API to track laptops: serial number, owner e-mail, purchase date, price and status (in use, spare, broken). Protect it with an API key.' },
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    const done = await waitFor(submitted.json().id, admin);
    expect(done.state, JSON.stringify(done.steps)).toBe('published');
    expect(done.steps.map((s: { name: string; state: string }) => `${s.name}:${s.state}`)).toEqual(['generate:done', 'validate:done', 'package:done', 'scan:done', 'sign:done', 'publish:done']);
    expect(done.version).toBe('1.0.0');

    const list = (await call(t.app, admin, { method: 'GET', url: '/api/v1/apps?q=laptops' })).json();
    expect(list.total).toBe(1);
    const appId = list.items[0].id;
    const detail = (await call(t.app, admin, { method: 'GET', url: `/api/v1/apps/${appId}` })).json();
    expect(detail).toMatchObject({ kind: 'api-service', latestVersion: '1.0.0', versions: [{ version: '1.0.0', validation: { ok: true }, scan: { verdict: 'clean' } }] });

    const files = (await call(t.app, admin, { method: 'GET', url: `/api/v1/apps/${appId}/versions/1.0.0/files` })).json().items.map((f: { path: string }) => f.path);
    expect(files).toEqual(expect.arrayContaining(['app.json', 'README.md', 'Dockerfile', 'dist/server.mjs']));
    const readme = (await call(t.app, admin, { method: 'GET', url: `/api/v1/apps/${appId}/versions/1.0.0/file?path=README.md` })).json();
    expect(readme.content).toContain('API_KEY');

    // The release verifies against the key list, with the bundle the catalog serves.
    const bundle = await call(t.app, admin, { method: 'GET', url: `/api/v1/apps/${appId}/versions/1.0.0/bundle` });
    const release = await call(t.app, admin, { method: 'GET', url: `/api/v1/apps/${appId}/versions/1.0.0/release` });
    const keyList = createKeyList({ org: admin.orgId, releasePublicKey: releaseKey.publicKey, rootPrivateKey: { pem: root.privateKey, passphrase: 'pipeline test passphrase' } });
    const verdict = await verifyRelease({ envelope: release.body, bundle: bundle.rawPayload, rootPublicKey: root.publicKey, keyList: keyList.json, expect: { org: admin.orgId } });
    expect(verdict.ok, JSON.stringify(verdict)).toBe(true);
  }, 200_000);

  it('publishes a dashboard over a file on the workstation: validated with a sample in its place, the read path declared in app.json', async () => {
    const submitted = await call(t.app, admin, {
      method: 'POST',
      url: '/api/v1/requests',
      payload: { text: 'A dashboard of laptops with fields: model, owner e-mail, price. Read them from our CSV export at /srv/exports/laptops.csv' },
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    const done = await waitFor(submitted.json().id, admin);
    expect(done.state, JSON.stringify(done.steps)).toBe('published');
    const appId = (await call(t.app, admin, { method: 'GET', url: `/api/v1/requests/${submitted.json().id}` })).json().appId;
    const manifest = JSON.parse((await call(t.app, admin, { method: 'GET', url: `/api/v1/apps/${appId}/versions/1.0.0/file?path=app.json` })).json().content);
    expect(manifest.permissions.readPaths).toEqual([{ path: '/srv/exports/laptops.csv', setting: 'SOURCE_1_FILE' }]);
  }, 200_000);

  it('refuses an incomplete request with the questions to answer', async () => {
    const r = await call(t.app, admin, { method: 'POST', url: '/api/v1/requests', payload: { text: 'something for my team' } });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ code: 'SPEC_INCOMPLETE', missing: expect.any(Array), questions: expect.any(Array) });
  });

  it('refuses an invalid spec with the fields to fix', async () => {
    const r = await call(t.app, admin, { method: 'POST', url: '/api/v1/requests', payload: { spec: { specVersion: 1, name: 'Bad Name', title: 't', summary: 's', kind: 'api-service', sources: [{ type: 'csv', path: '../../etc/passwd' }] } } });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['name', 'sources.0.path']));
  });

  it('lists the templates with a valid example each', async () => {
    const r = (await call(t.app, admin, { method: 'GET', url: '/api/v1/templates' })).json();
    expect(r.items.map((i: { kind: string }) => i.kind).sort()).toEqual(['api-service', 'automation', 'data-tool', 'form-app', 'web-dashboard']);
  });
});
