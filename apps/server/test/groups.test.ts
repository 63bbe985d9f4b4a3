import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';

let t: TestApp;
let admin: Account;
let member: Account;
beforeAll(async () => {
  t = await createTestApp();
  admin = await register(t.app);
  member = await addUser(t.app, admin, ['member']);
});
afterAll(async () => t.close());

describe('groups', () => {
  it('lets admins create, rename, re-staff and delete a team; members only read', async () => {
    const created = await call(t.app, admin, { method: 'POST', url: '/api/v1/groups', payload: { name: 'Finance', members: [member.userId] } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'Finance', members: [member.userId] });
    const id = created.json().id;
    expect((await call(t.app, admin, { method: 'POST', url: '/api/v1/groups', payload: { name: 'Finance' } })).json().code).toBe('GROUP_EXISTS');
    expect((await call(t.app, member, { method: 'POST', url: '/api/v1/groups', payload: { name: 'Mine' } })).statusCode).toBe(403);
    expect((await call(t.app, member, { method: 'GET', url: `/api/v1/groups/${id}` })).json().name).toBe('Finance');

    const updated = await call(t.app, admin, { method: 'PUT', url: `/api/v1/groups/${id}`, payload: { name: 'Finance team', members: [member.userId, admin.userId] } });
    expect(updated.json().members.sort()).toEqual([member.userId, admin.userId].sort());
    expect((await call(t.app, admin, { method: 'DELETE', url: `/api/v1/groups/${id}` })).statusCode).toBe(204);
    expect((await call(t.app, admin, { method: 'GET', url: `/api/v1/groups/${id}` })).statusCode).toBe(404);
  });

  it('refuses members from outside the organization, naming them', async () => {
    const other = await register(t.app, { organization: 'Elsewhere' });
    const r = await call(t.app, admin, { method: 'POST', url: '/api/v1/groups', payload: { name: 'Mixed', members: [other.userId] } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'UNKNOWN_USERS', detail: expect.stringContaining(other.userId) });
    const names = (await call(t.app, admin, { method: 'GET', url: '/api/v1/groups' })).json().items.map((g: { name: string }) => g.name);
    expect(names).not.toContain('Mixed');
  });
});
