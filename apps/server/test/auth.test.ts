import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { sql } from 'kysely';
import { hashSecret } from '../src/security/secrets.js';
import { createTestApp, register, bearer, call, TEST_SECRET, uniqueEmail, type TestApp } from './helper.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('register, sign in, who am I, sign out', () => {
  it('makes the first user of a new organization its admin', async () => {
    const account = await register(t.app, { organization: 'Żółta Łódź sp. z o.o.' });
    const me = await call(t.app, account, { method: 'GET', url: '/api/v1/auth/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ roles: ['admin'], organization: { id: account.orgId, slug: 'zolta-lodz-sp-z-oo' }, user: { email: account.email } });
    // registering signs the admin in: the Users page does not say "never signed in" of someone signed in
    const users = await call(t.app, account, { method: 'GET', url: '/api/v1/users' });
    const lastLoginAt = users.json().items.find((user: { email: string }) => user.email === account.email)?.lastLoginAt;
    expect(Date.now() - Date.parse(lastLoginAt)).toBeLessThan(60_000);
    expect(me.json().user.lastLoginAt).toBe(lastLoginAt);
  });

  it('refuses a second account with the same e-mail, in any case', async () => {
    const account = await register(t.app);
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'Other', name: 'X', email: account.email.toUpperCase(), password: 'correct horse battery staple' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('EMAIL_TAKEN');
  });

  it('signs in, refreshes with rotation, and signs out for good', async () => {
    const account = await register(t.app);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: account.email, password: 'correct horse battery staple' } });
    expect(login.statusCode).toBe(200);
    const { token, refreshToken } = login.json();

    const refreshed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });
    expect(refreshed.statusCode).toBe(200);
    const reused = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().code).toBe('REFRESH_INVALID');
    // Reuse ends the whole session (decision 0014), so sign out is shown on a second session.
    expect((await call(t.app, { token }, { method: 'GET', url: '/api/v1/auth/me' })).json().code).toBe('SESSION_ENDED');

    const second = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: account.email, password: 'correct horse battery staple' } })).json();
    const out = await call(t.app, { token: second.token }, { method: 'POST', url: '/api/v1/auth/logout' });
    expect(out.statusCode).toBe(204);
    const after = await call(t.app, { token: second.token }, { method: 'GET', url: '/api/v1/auth/me' });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('SESSION_ENDED');
  });

  it('says the same thing for an unknown e-mail and a wrong password', async () => {
    const account = await register(t.app);
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: account.email, password: 'not the password' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: uniqueEmail('nobody'), password: 'not the password' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it('locks an account after repeated failures, even for the right password', async () => {
    const account = await register(t.app);
    for (let i = 0; i < 5; i += 1) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: account.email, password: `wrong-${i}` } });
      expect(r.statusCode).toBe(401);
    }
    const locked = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: account.email, password: 'correct horse battery staple' } });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // the web UI words it from retryAfterSeconds; API clients read a sentence with the right plural
    expect(locked.json().retryAfterSeconds).toBeGreaterThan(0);
    expect(locked.json().detail).toMatch(/locked for 1 more minute\. Try again then, or set a new password/);
  });

  it('refuses weak passwords with a reason', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'Weak', name: 'W', email: uniqueEmail(), password: 'short' } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'WEAK_PASSWORD', detail: expect.stringContaining('at least 10') });
  });
});

describe('bad and expired credentials', () => {
  it('rejects a missing, malformed, forged or expired token with 401 problem+json', async () => {
    const account = await register(t.app);
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toContain('application/problem+json');

    const malformed = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Token abc' } });
    expect(malformed.json().code).toBe('AUTH_HEADER_INVALID');

    const forged = await new SignJWT({ org: account.orgId, roles: ['admin'], sid: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject(`user:${account.userId}`).setIssuer('marketplace').setAudience('marketplace-api').setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    const forgedResponse = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${forged}` } });
    expect(forgedResponse.json().code).toBe('TOKEN_INVALID');

    const expired = await new SignJWT({ org: account.orgId, roles: ['admin'], sid: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject(`user:${account.userId}`).setIssuer('marketplace').setAudience('marketplace-api').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(TEST_SECRET));
    const expiredResponse = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${expired}` } });
    expect(expiredResponse.statusCode).toBe(401);
    expect(expiredResponse.json().code).toBe('TOKEN_EXPIRED');
  });

  it('refuses the unsigned "none" algorithm', async () => {
    const account = await register(t.app);
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: `user:${account.userId}`, org: account.orgId, roles: ['admin'], iss: 'marketplace', aud: 'marketplace-api', exp: Date.now() / 1000 + 600 })).toString('base64url');
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${header}.${payload}.` } });
    expect(r.statusCode).toBe(401);
  });
});

describe('the web UI session cookie', () => {
  it('lets a second tab trade the refresh cookie another tab traded a moment before, and nothing more', async () => {
    const account = await register(t.app);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: account.email, password: 'correct horse battery staple', cookie: true } });
    const refreshCookie = `mp_refresh=${login.cookies.find((c) => c.name === 'mp_refresh')!.value}`;
    const trade = (cookie: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { cookie } });

    const winner = await trade(refreshCookie);
    expect(winner.statusCode).toBe(200);
    const next = `mp_refresh=${winner.cookies.find((c) => c.name === 'mp_refresh')!.value}`;
    // The other tab sent the same cookie: it gets an access token of the same session and keeps the winner's refresh cookie.
    const loser = await trade(refreshCookie);
    expect(loser.statusCode).toBe(200);
    expect(loser.cookies.map((c) => c.name)).toEqual(['mp_session']);
    expect(loser.json().refreshToken).toBeUndefined();
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `mp_session=${loser.cookies[0]!.value}` } });
    expect(me.statusCode).toBe(200);
    const [raced] = await t.app.db.selectFrom('audit_log').select(['action', 'details']).where('org_id', '=', account.orgId).where('action', '=', 'auth.refresh').orderBy('seq', 'desc').limit(1).execute();
    expect(raced?.details).toMatchObject({ raced: true });

    // The session goes on with the winner's cookie, which rotates as before.
    const third = await trade(next);
    expect(third.statusCode).toBe(200);
    // A cookie two trades old is reuse however soon it comes: the session ends.
    const old = await trade(refreshCookie);
    expect(old.statusCode).toBe(401);
    expect(old.json().code).toBe('REFRESH_INVALID');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `mp_session=${third.cookies.find((c) => c.name === 'mp_session')!.value}` } })).json().code).toBe('SESSION_ENDED');
  });

  it('takes the same refresh cookie as reuse once the moment has passed, and a refresh token in the body always', async () => {
    const account = await register(t.app);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: account.email, password: 'correct horse battery staple', cookie: true } });
    const refreshToken = login.cookies.find((c) => c.name === 'mp_refresh')!.value;
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { cookie: `mp_refresh=${refreshToken}` } })).statusCode).toBe(200);
    // A client holding its token itself (CLI, MCP) has no second tab: presenting a traded token is reuse at once.
    const body = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });
    expect(body.statusCode).toBe(401);

    const other = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: account.email, password: 'correct horse battery staple', cookie: true } });
    const otherToken = other.cookies.find((c) => c.name === 'mp_refresh')!.value;
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { cookie: `mp_refresh=${otherToken}` } })).statusCode).toBe(200);
    // Eleven seconds later the same cookie is a copy used after its owner moved on.
    await sql`UPDATE session_refresh_tokens SET used_at = now() - interval '11 seconds' WHERE hash = ${hashSecret(otherToken)}`.execute(t.app.db);
    const late = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { cookie: `mp_refresh=${otherToken}` } });
    expect(late.statusCode).toBe(401);
    expect(late.json().code).toBe('REFRESH_INVALID');
  });

  it('works with the cookie and needs the CSRF token for unsafe methods', async () => {
    const account = await register(t.app);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: account.email, password: 'correct horse battery staple', cookie: true } });
    const cookies = Object.fromEntries(login.cookies.map((c) => [c.name, c.value]));
    expect(login.cookies.find((c) => c.name === 'mp_session')?.httpOnly).toBe(true);
    // The tokens live only in the httpOnly cookies: no answer a page's script can read holds them.
    expect(login.json()).not.toHaveProperty('token');
    expect(login.json()).not.toHaveProperty('refreshToken');
    const registered = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'Cookie Only', name: 'C', email: uniqueEmail(), password: 'correct horse battery staple', cookie: true } });
    expect(registered.statusCode).toBe(201);
    expect(Object.keys(registered.json())).toEqual(expect.arrayContaining(['expiresIn', 'user', 'organization', 'csrfToken']));
    expect(registered.json()).not.toHaveProperty('token');
    expect(registered.json()).not.toHaveProperty('refreshToken');
    const refreshed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { cookie: `mp_refresh=${cookies.mp_refresh}` } });
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json()).not.toHaveProperty('token');
    expect(refreshed.json()).not.toHaveProperty('refreshToken');
    cookies.mp_session = refreshed.cookies.find((c) => c.name === 'mp_session')!.value;
    cookies.mp_refresh = refreshed.cookies.find((c) => c.name === 'mp_refresh')!.value;
    const cookieHeader = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: cookieHeader } });
    expect(me.statusCode).toBe(200);
    expect(me.json().via).toBe('cookie');

    const noCsrf = await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { cookie: cookieHeader }, payload: { name: 'x' } });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('CSRF_INVALID');

    const withCsrf = await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { cookie: cookieHeader, 'x-csrf-token': login.json().csrfToken }, payload: { name: 'x' } });
    expect(withCsrf.statusCode).toBe(201);
  });

  it('sets a readable marker beside the httpOnly session cookies, holding no secret, and clears it on sign-out', async () => {
    const account = await register(t.app);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: account.email, password: 'correct horse battery staple', cookie: true } });
    const marker = login.cookies.find((c) => c.name === 'mp_signed_in')!;
    expect(marker.value).toBe('1');
    expect(marker.httpOnly).toBeFalsy();
    expect(marker.maxAge).toBe(login.cookies.find((c) => c.name === 'mp_refresh')!.maxAge);
    const cookieHeader = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const logout = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: cookieHeader, 'x-csrf-token': login.json().csrfToken } });
    expect(logout.statusCode).toBeLessThan(300);
    const cleared = logout.cookies.find((c) => c.name === 'mp_signed_in')!;
    expect(cleared.value).toBe('');
  });
});

describe('roles', () => {
  it('lets only admins manage users, and ends sessions when roles change', async () => {
    const admin = await register(t.app);
    const { addUser } = await import('./helper.js');
    const member = await addUser(t.app, admin, ['member']);
    const denied = await call(t.app, member, { method: 'GET', url: '/api/v1/users' });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('ROLE_REQUIRED');

    const promote = await call(t.app, admin, { method: 'PATCH', url: `/api/v1/users/${member.userId}`, payload: { roles: ['member', 'publisher'] } });
    expect(promote.statusCode).toBe(200);
    expect(promote.json().roles).toEqual(['member', 'publisher']);
    const stale = await call(t.app, member, { method: 'GET', url: '/api/v1/auth/me' });
    expect(stale.statusCode).toBe(401);
  });

  it('keeps at least one admin', async () => {
    const admin = await register(t.app);
    const r = await call(t.app, admin, { method: 'PATCH', url: `/api/v1/users/${admin.userId}`, payload: { roles: ['member'] } });
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('LAST_ADMIN');
  });

  it('echoes X-Request-Id and uses bearer from the helper', async () => {
    const admin = await register(t.app);
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { ...bearer(admin), 'x-request-id': 'trace-123' } });
    expect(r.headers['x-request-id']).toBe('trace-123');
  });
});
