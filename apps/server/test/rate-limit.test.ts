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
