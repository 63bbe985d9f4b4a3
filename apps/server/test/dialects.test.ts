import { describeEachDialect } from '@marketplace/db/testing';
import { expect, it } from 'vitest';
import { migrations } from '../src/composition/migrations.js';
import { call, createTestApp, register } from './helper.js';
import { migrate } from '@marketplace/db';

/** The same server behaviour on PGlite and on a real PostgreSQL. */
describeEachDialect('server on each dialect', (getDatabase) => {
  it('registers, signs in, audits and verifies the chain', async () => {
    const database = getDatabase();
    await migrate(database, migrations);
    const t = await createTestApp({ database });
    try {
      const admin = await register(t.app, { organization: `Dialect ${database.dialect}` });
      const key = await call(t.app, admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'k', roles: ['member'] } });
      expect(key.statusCode).toBe(201);
      const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: admin.email, password: 'correct horse battery staple' } });
      expect(login.statusCode).toBe(200);
      const users = await call(t.app, admin, { method: 'GET', url: '/api/v1/users?q=admin' });
      expect(users.json().total).toBe(1);
      const verify = await call(t.app, admin, { method: 'GET', url: '/api/v1/audit/verify' });
      expect(verify.json()).toMatchObject({ ok: true, checked: 3 });
      const search = await call(t.app, admin, { method: 'GET', url: '/api/v1/audit?q=api_key' });
      expect(search.json().items.map((e: { action: string }) => e.action)).toEqual(['api_key.create']);
    } finally {
      await t.close();
    }
  });
});
