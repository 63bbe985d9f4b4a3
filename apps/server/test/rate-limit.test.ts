import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, register, call } from './helper.js';
import { requireBinary } from './system-binary.js';
import { freePort } from './free-port.js';


const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('rate limits', () => {
  it('limits a signed-in caller per minute and says when to retry', async () => {
    const t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
    try {
      const admin = await register(t.app);
      const codes: number[] = [];
      for (let i = 0; i < 7; i += 1) codes.push((await call(t.app, admin, { method: 'GET', url: '/api/v1/auth/me' })).statusCode);
      expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      const limited = await call(t.app, admin, { method: 'GET', url: '/api/v1/auth/me' });
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another caller (here: anonymous, by IP) has its own budget.
      expect((await t.app.inject('/api/v1/auth/me')).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('gives each person behind one address a sign-in budget of their own, and each client behind a named proxy its own address', async () => {
    const t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    const proxied = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000', TRUST_PROXY: '1' } });
    try {
      const signIn = (app: typeof t.app, email: string, headers: Record<string, string> = {}) =>
        app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.1.2.3', headers, payload: { email, password: 'not the password' } });
      // Twenty tries for one e-mail from one address, then a pause; a colleague at the same address is not held up.
      const codes: number[] = [];
      for (let i = 0; i < 21; i += 1) codes.push((await signIn(t.app, 'nobody-a@example.test')).statusCode);
      expect(codes.slice(0, 20).every((code) => code === 401)).toBe(true);
      expect(codes[20]).toBe(429);
      expect((await signIn(t.app, 'nobody-b@example.test')).statusCode).toBe(401);

      // Without TRUST_PROXY a forwarded address is not believed: both "clients" are the proxy.
      for (let i = 0; i < 20; i += 1) await signIn(t.app, 'nobody-c@example.test', { 'x-forwarded-for': `192.0.2.${i + 1}` });
      expect((await signIn(t.app, 'nobody-c@example.test', { 'x-forwarded-for': '192.0.2.200' })).statusCode).toBe(429);
      // With one proxy named, the address it forwards is the client's: its budget, its audit entry.
      for (let i = 0; i < 20; i += 1) await signIn(proxied.app, 'nobody-d@example.test', { 'x-forwarded-for': '192.0.2.1' });
      expect((await signIn(proxied.app, 'nobody-d@example.test', { 'x-forwarded-for': '192.0.2.1' })).statusCode).toBe(429);
      expect((await signIn(proxied.app, 'nobody-d@example.test', { 'x-forwarded-for': '192.0.2.2' })).statusCode).toBe(401);
      const audited = await proxied.app.db.selectFrom('audit_log').select('ip').where('action', '=', 'auth.login').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      expect(audited?.ip).toBe('192.0.2.2');
    } finally {
      await proxied.close();
      await t.close();
    }
  });

  it('still holds one address to RATE_LIMIT_PER_MINUTE sign-ins across e-mails', async () => {
    const t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '8' } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 9; i += 1) codes.push((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.9.9.9', payload: { email: `guess-${i}@example.test`, password: 'not it' } })).statusCode);
      expect(codes).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429]);
      // another address is not held up
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.9.9.10', payload: { email: 'guess-0@example.test', password: 'not it' } })).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('lets every browser behind one address refresh its own session', async () => {
    const t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    try {
      // 25 browsers' sessions (five people, five sign-ins each)
      const people = await Promise.all(Array.from({ length: 5 }, () => register(t.app)));
      const tokens: string[] = [];
      for (const person of people) {
        for (let i = 0; i < 5; i += 1) tokens.push((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: person.email, password: 'correct horse battery staple' } })).json().refreshToken);
      }
      const codes: number[] = [];
      for (const refreshToken of tokens) {
        const refreshed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', remoteAddress: '10.1.2.3', payload: { refreshToken } });
        codes.push(refreshed.statusCode);
      }
      expect(codes.every((code) => code === 200)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('shares one budget across instances through Redis (real redis-server)', async () => {
    const binary = requireBinary('redis-server', 'redis-server');
    if (!binary) return;
    const port = await freePort();
    const redis = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    children.push(redis);
    await new Promise((r) => setTimeout(r, 300));
    const env = { RATE_LIMIT_PER_MINUTE: '6', REDIS_URL: `redis://127.0.0.1:${port}` };
    const first = await createTestApp({ env });
    const second = await createTestApp({ env, database: first.database });
    try {
      const admin = await register(first.app);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await call(first.app, admin, { method: 'GET', url: '/api/v1/auth/me' })).statusCode);
      for (let i = 0; i < 4; i += 1) statuses.push((await call(second.app, admin, { method: 'GET', url: '/api/v1/auth/me' })).statusCode);
      expect(statuses.filter((s) => s === 200)).toHaveLength(6);
      expect(statuses.slice(6)).toEqual([429, 429]);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
