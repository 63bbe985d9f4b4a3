import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey } from '../src/security/secrets.js';
import { call, createTestApp, register, type TestApp } from './helper.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('API keys', () => {
  it('shows the key once, stores only a hash, and stops working when revoked', async () => {
    const admin = await register(t.app);
    const created = await call(t.app, admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'ci', roles: ['member'] } });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^mpk_[0-9a-f]{12}_/);
    // The secret is all after the prefix; it may itself contain "_" (base64url).
    const secret = parseApiKey(key)!.secret;
    expect(secret.length).toBeGreaterThanOrEqual(32);

    const listed = await call(t.app, admin, { method: 'GET', url: '/api/v1/api-keys' });
    expect(JSON.stringify(listed.json())).not.toContain(secret);
    const stored = await t.database.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(secret);

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': key } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ via: 'api-key', roles: ['member'] });

    expect((await call(t.app, admin, { method: 'DELETE', url: `/api/v1/api-keys/${id}` })).statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${key}` } });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('API_KEY_INVALID');
  });

  it('acts with its own roles only: a member key cannot manage users', async () => {
    const admin = await register(t.app);
    const memberKey = (await call(t.app, admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'm', roles: ['member'] } })).json().key;
    const users = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: { 'x-api-key': memberKey } });
    expect(users.statusCode).toBe(403);

  });
});

describe('agent clients and the client-credentials grant', () => {
  it('issues a short-lived agent token from Basic auth, a form body or JSON', async () => {
    const admin = await register(t.app);
    const client = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agent-clients', payload: { name: 'ana-laptop' } })).json();
    expect(client.clientSecret).toMatch(/^mpc_/);

    const basic = await t.app.inject({
      method: 'POST',
      url: '/api/v1/oauth/token',
      headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials',
    });
    expect(basic.statusCode).toBe(200);
    expect(basic.json()).toMatchObject({ token_type: 'Bearer', expires_in: 600 });

    const json = await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret } });
    expect(json.statusCode).toBe(200);

    // An agent token is not a user: user endpoints refuse it.
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${json.json().access_token}` } });
    expect(me.statusCode).toBe(403);
    expect(me.json().code).toBe('PRINCIPAL_NOT_ALLOWED');

    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'mpc_wrong' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'INVALID_CLIENT', error: 'invalid_client' });

    await call(t.app, admin, { method: 'DELETE', url: `/api/v1/agent-clients/${client.id}` });
    const revoked = await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret } });
    expect(revoked.statusCode).toBe(401);
  });

  it('refuses other grant types with a validation problem', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'password', client_id: 'a', client_secret: 'b' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('VALIDATION_FAILED');
  });
});

describe('invitations', () => {
  it('admits an invited user once, with the invited roles', async () => {
    const admin = await register(t.app);
    const invite = (await call(t.app, admin, { method: 'POST', url: '/api/v1/invitations', payload: { email: 'new.person@example.test', roles: ['reviewer'] } })).json();
    const accept = await t.app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token: invite.token, name: 'New Person', password: 'a good long password' } });
    expect(accept.statusCode).toBe(201);
    expect(accept.json().user.roles).toEqual(['reviewer']);
    expect(accept.json().organization.id).toBe(admin.orgId);
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token: invite.token, name: 'Again', password: 'a good long password' } });
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('INVITATION_INVALID');
  });
});
