import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, register, type TestApp } from './helper.js';
import { requireBinary } from './system-binary.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { BODY_LIMIT_BYTES: '4096', CORS_ORIGINS: 'https://intranet.example' } });
}, 120_000);
afterAll(async () => t.close());

describe('health, readiness, metrics and docs', () => {
  it('answers liveness and readiness', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks[0]).toMatchObject({ name: 'database', ok: true });
  });

  it('serves an OpenAPI 3.1 document listing every API route with its error responses', async () => {
    const doc = (await t.app.inject('/docs/json')).json();
    expect(doc.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/auth/register', '/api/v1/auth/me', '/api/v1/users/{id}', '/api/v1/audit/verify']));
    const me = doc.paths['/api/v1/auth/me'].get;
    expect(Object.keys(me.responses)).toEqual(expect.arrayContaining(['200', '401', '500']));
    expect(doc.paths['/api/v1/auth/login'].post.security).toEqual([]);
    expect((await t.app.inject('/docs')).statusCode).toBeLessThan(400);
  });

  it('exposes Prometheus metrics that promtool accepts', async () => {
    const admin = await register(t.app);
    await call(t.app, admin, { method: 'GET', url: '/api/v1/auth/me' });
    const metrics = await t.app.inject('/metrics');
    expect(metrics.body).toMatch(/http_request_duration_seconds_count\{[^}]*method="GET",route="\/api\/v1\/auth\/me",status_code="200"\} 1/);
    expect(metrics.body).toContain('db_pool_connections');
    expect(metrics.body).toContain('process_cpu_seconds_total');
    const promtool = requireBinary('promtool', 'prometheus');
    if (!promtool) return;
    const dir = await mkdtemp(join(tmpdir(), 'metrics-'));
    await writeFile(join(dir, 'metrics.txt'), metrics.body);
    const { stdout, stderr } = await promisify(execFile)('sh', ['-c', `${promtool} check metrics < ${join(dir, 'metrics.txt')}`]);
    expect(`${stdout}${stderr}`).not.toMatch(/error/i);
  });
});

describe('bad input gets a clear problem+json and writes nothing', () => {
  it('malformed JSON → 400 INVALID_JSON', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email": ' });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({ code: 'INVALID_JSON', status: 400, type: expect.stringContaining('invalid-json'), requestId: expect.any(String) });
  });

  it('wrong types and unknown fields → 400 VALIDATION_FAILED naming the field', async () => {
    const wrongType = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 42, password: 'x' } });
    expect(wrongType.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ path: 'body.email' })] });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a@b.test', password: 'x', admin: true } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toMatch(/admin/);
  });

  it('oversize bodies → 413, unsupported media → 415', async () => {
    const big = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a@b.test', password: 'x'.repeat(10_000) } });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('BODY_TOO_LARGE');
    const xml = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<x/>' });
    expect(xml.statusCode).toBe(415);
  });

  it('unknown routes and non-UUID ids → clear 4xx', async () => {
    const admin = await register(t.app);
    expect((await t.app.inject('/api/v1/nothing-here')).json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
    const badId = await call(t.app, admin, { method: 'GET', url: '/api/v1/users/not-a-uuid' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().errors[0].path).toBe('params.id');
  });

  it('a failed registration leaves no organization behind', async () => {
    const before = await t.database.db.selectFrom('organizations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'X', name: 'Y', email: 'not-an-email', password: 'long enough password' } });
    const after = await t.database.db.selectFrom('organizations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toEqual(before.n);
  });
});

describe('security headers and CORS', () => {
  it('sends helmet headers and allows only listed origins', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://intranet.example' } });
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['access-control-allow-origin']).toBe('https://intranet.example');
    const evil = await t.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends the same security headers on errors as on answers, with the request id', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/healthz' });
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/no-such-route', headers: { 'x-request-id': 'trace-123' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['x-request-id']).toBe('trace-123');
    for (const name of ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy', 'cross-origin-opener-policy']) {
      expect(ok.headers[name], name).toBeTruthy();
      expect(missing.headers[name], name).toBe(ok.headers[name]);
    }
    expect(ok.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});

describe('runtime config', () => {
  it('changes, exports and imports settings; refuses unknown keys and bad values', async () => {
    const admin = await register(t.app);
    const put = await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { requests: { requireApproval: true } } } });
    expect(put.json().settings.requests).toEqual({ requireApproval: true, maxConcurrent: 4 });
    const exported = (await call(t.app, admin, { method: 'GET', url: '/api/v1/config/export' })).json();
    expect(exported).toMatchObject({ format: 'marketplace-config', version: 1 });

    const other = await register(t.app);
    const imported = await call(t.app, other, { method: 'POST', url: '/api/v1/config/import', payload: exported });
    expect(imported.json().settings.requests.requireApproval).toBe(true);

    const unknown = await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { requests: { colour: 'red' } } } });
    expect(unknown.statusCode).toBe(400);
    const bad = await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { agents: { staleAfterSeconds: 1 } } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toContain('staleAfterSeconds');
  });
});
