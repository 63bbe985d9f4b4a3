import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { call, createTestApp, register, type TestApp } from './helper.js';
import { signInAtProvider, startIdentityProvider, type TestIdentityProvider } from './sso-identity-provider.js';

/**
 * Single sign-on against a real OpenID Provider (oidc-provider on 127.0.0.1): the browser's part is
 * played by fetch with a cookie jar at the provider and by inject at the marketplace, whose PUBLIC_URL
 * makes the callback URL the provider redirects to.
 */
const PUBLIC_URL = 'http://marketplace.test';
const CALLBACK = `${PUBLIC_URL}/api/v1/auth/sso/oidc/callback`;

let idp: TestIdentityProvider;
let t: TestApp;

const ssoEnv = (extra: Record<string, string> = {}) => ({ PUBLIC_URL, OIDC_ISSUER: idp.issuer, CLIENT_ID: idp.clientId, CLIENT_SECRET: idp.clientSecret, OIDC_NAME: 'Acme Entra ID', ...extra });

interface SsoResult {
  status: number;
  location: string;
  sessionCookie: string | undefined;
}

/** Start at the marketplace, sign in at the provider as `login`, and come back with what the browser holds. */
async function signIn(app: TestApp, login: string, options: { returnTo?: string; abort?: boolean; tamper?: (callback: URL) => void; dropStateCookie?: boolean } = {}): Promise<SsoResult> {
  const start = await app.app.inject({ method: 'GET', url: `/api/v1/auth/sso/oidc/start${options.returnTo !== undefined ? `?returnTo=${encodeURIComponent(options.returnTo)}` : ''}` });
  expect(start.statusCode, start.body).toBe(302);
  const authorization = new URL(start.headers.location as string);
  expect(authorization.origin).toBe(idp.issuer);
  expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
  const stateCookie = start.cookies.find((cookie) => cookie.name === 'mp_sso')!;
  expect(stateCookie.httpOnly).toBe(true);
  const callback = await signInAtProvider(authorization.href, CALLBACK, login, { abort: options.abort });
  options.tamper?.(callback);
  const done = await app.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, cookies: options.dropStateCookie ? {} : { mp_sso: stateCookie.value } });
  return { status: done.statusCode, location: done.headers.location as string, sessionCookie: done.cookies.find((cookie) => cookie.name === 'mp_session')?.value };
}

async function me(app: TestApp, sessionCookie: string) {
  const response = await app.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { mp_session: sessionCookie } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

const ssoAudit = (app: TestApp) => (app.database.db as Db).selectFrom('audit_log').select(['result', 'actor_id', 'details']).where('action', '=', 'auth.sso.login').orderBy('at').execute();

beforeAll(async () => {
  idp = await startIdentityProvider(CALLBACK);
  t = await createTestApp({ env: ssoEnv() });
});
afterAll(async () => {
  await t?.close();
  await idp?.close();
});

describe('single sign-on with OpenID Connect', () => {
  it('is off, and says which settings turn it on, when no identity provider is configured', async () => {
    const plain = await createTestApp();
    try {
      expect((await plain.app.inject('/api/v1/auth/sso')).json()).toEqual({ enabled: false, providers: [] });
      const start = await plain.app.inject('/api/v1/auth/sso/oidc/start');
      expect(start.statusCode).toBe(404);
      expect(start.json().code).toBe('SSO_NOT_CONFIGURED');
      expect(start.json().detail).toMatch(/OIDC_ISSUER, CLIENT_ID and CLIENT_SECRET/);
    } finally {
      await plain.close();
    }
  });

  it('sends the browser back with IDP_UNAVAILABLE when the identity provider cannot be reached', async () => {
    const down = await createTestApp({ env: ssoEnv({ OIDC_ISSUER: 'http://127.0.0.1:9/unreachable' }) });
    try {
      const start = await down.app.inject('/api/v1/auth/sso/oidc/start');
      expect(start.statusCode).toBe(302);
      expect(start.headers.location).toBe('/?sso_error=IDP_UNAVAILABLE');
    } finally {
      await down.close();
    }
  });

  it('offers the configured provider by its name', async () => {
    expect((await t.app.inject('/api/v1/auth/sso')).json()).toEqual({ enabled: true, providers: [{ id: 'oidc', name: 'Acme Entra ID' }] });
  });

  it('signs an invited person in with the invitation’s role, without a password they could use', async () => {
    const admin = await register(t.app, { organization: 'Invited Co' });
    const email = 'ida.invited@sso.test';
    expect((await call(t.app, admin, { method: 'POST', url: '/api/v1/invitations', payload: { email, roles: ['publisher'] } })).statusCode).toBe(201);
    idp.accounts.set('ida', { email, email_verified: true, name: 'Ida Invited' });

    const result = await signIn(t, 'ida', { returnTo: '/apps?kind=form-app' });
    expect(result.status).toBe(302);
    expect(result.location).toBe('/apps?kind=form-app');
    const profile = await me(t, result.sessionCookie!);
    expect(profile.user).toMatchObject({ email, name: 'Ida Invited', roles: ['publisher'] });
    expect(profile.organization.id).toBe(admin.orgId);
    const invitations = (await call(t.app, admin, { method: 'GET', url: '/api/v1/invitations' })).json();
    expect(invitations.items.find((i: { email: string }) => i.email === email).state).toBe('accepted');

    const local = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'any password' } });
    expect(local.statusCode).toBe(401);
    expect(local.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', detail: 'The e-mail or password is wrong.' });
  });

  it('signs an existing user in and audits it', async () => {
    const email = 'erik.existing@sso.test';
    const admin = await register(t.app, { organization: 'Existing Co', email });
    idp.accounts.set('erik', { email: email.toUpperCase(), email_verified: true });
    const result = await signIn(t, 'erik');
    expect(result.location).toBe('/');
    expect((await me(t, result.sessionCookie!)).user).toMatchObject({ id: admin.userId, roles: ['admin'] });
    expect(await ssoAudit(t)).toContainEqual(expect.objectContaining({ result: 'success', actor_id: admin.userId }));
  });

  it('works with a provider that tells the e-mail only at its userinfo endpoint', async () => {
    const conformant = await startIdentityProvider(CALLBACK, { idTokenHasEmail: false });
    const app = await createTestApp({ env: { ...ssoEnv(), OIDC_ISSUER: conformant.issuer } });
    try {
      const admin = await register(app.app, { organization: 'Userinfo Co', email: 'uma@sso.test' });
      conformant.accounts.set('uma', { email: 'uma@sso.test', email_verified: true });
      const previous = idp;
      idp = conformant;
      const result = await signIn(app, 'uma').finally(() => (idp = previous));
      expect((await me(app, result.sessionCookie!)).user.id).toBe(admin.userId);
    } finally {
      await app.close();
      await conformant.close();
    }
  });

  it('turns away an e-mail with no account and no invitation, and audits the failure', async () => {
    idp.accounts.set('nora', { email: 'nora.nobody@sso.test', email_verified: true });
    const result = await signIn(t, 'nora');
    expect(result).toEqual({ status: 302, location: '/?sso_error=NOT_INVITED', sessionCookie: undefined });
    expect(await ssoAudit(t)).toContainEqual(expect.objectContaining({ result: 'failure', details: expect.objectContaining({ email: 'nora.nobody@sso.test', error: 'NOT_INVITED' }) }));
  });

  it('refuses an unverified e-mail and a disabled account', async () => {
    const admin = await register(t.app, { organization: 'Careful Co' });
    idp.accounts.set('una', { email: admin.email, email_verified: false });
    expect((await signIn(t, 'una')).location).toBe('/?sso_error=EMAIL_UNVERIFIED');

    const invited = 'dora.disabled@sso.test';
    await call(t.app, admin, { method: 'POST', url: '/api/v1/invitations', payload: { email: invited } });
    idp.accounts.set('dora', { email: invited, email_verified: true });
    const first = await signIn(t, 'dora');
    const userId = (await me(t, first.sessionCookie!)).user.id;
    expect((await call(t.app, admin, { method: 'PATCH', url: `/api/v1/users/${userId}`, payload: { status: 'disabled' } })).statusCode).toBe(200);
    expect(await signIn(t, 'dora')).toEqual({ status: 302, location: '/?sso_error=USER_DISABLED', sessionCookie: undefined });
  });

  it('rejects a tampered or missing state and an aborted sign-in', async () => {
    idp.accounts.set('tess', { email: 'tess@sso.test', email_verified: true });
    await register(t.app, { organization: 'State Co', email: 'tess@sso.test' });
    const tampered = await signIn(t, 'tess', { tamper: (callback) => callback.searchParams.set('state', `${callback.searchParams.get('state')}x`) });
    expect(tampered).toEqual({ status: 302, location: '/?sso_error=STATE_INVALID', sessionCookie: undefined });
    expect((await signIn(t, 'tess', { dropStateCookie: true })).location).toBe('/?sso_error=STATE_INVALID');
    const forged = await t.app.inject({ method: 'GET', url: '/api/v1/auth/sso/oidc/callback?code=abc&state=def', cookies: { mp_sso: 'eyJhbGciOiJkaXIifQ..forged.forged.forged' } });
    expect(forged.headers.location).toBe('/?sso_error=STATE_INVALID');
    expect((await signIn(t, 'tess', { abort: true })).location).toBe('/?sso_error=IDP_DENIED');
  });

  it('returns only to a path on this site', async () => {
    idp.accounts.set('rita', { email: 'rita@sso.test', email_verified: true });
    await register(t.app, { organization: 'Return Co', email: 'rita@sso.test' });
    for (const returnTo of ['//evil.example', 'https://evil.example/x', '/\\evil.example']) {
      const result = await signIn(t, 'rita', { returnTo });
      expect(result.location, returnTo).toBe('/');
      expect(result.sessionCookie).toBeDefined();
    }
  });

  it('with OIDC_ORGANIZATION, makes an unknown e-mail a member of that organisation and keeps others out', async () => {
    const bound = await createTestApp({ env: ssoEnv({ OIDC_ORGANIZATION: 'bound-co' }) });
    try {
      const boundAdmin = await register(bound.app, { organization: 'Bound Co' });
      const other = await register(bound.app, { organization: 'Elsewhere Co', email: 'olga@elsewhere.test' });
      idp.accounts.set('newton', { email: 'newton@sso.test', email_verified: true, name: 'Newton New' });
      const result = await signIn(bound, 'newton');
      const profile = await me(bound, result.sessionCookie!);
      expect(profile.user).toMatchObject({ email: 'newton@sso.test', name: 'Newton New', roles: ['member'] });
      expect(profile.organization).toMatchObject({ id: boundAdmin.orgId, slug: 'bound-co' });

      idp.accounts.set('olga', { email: other.email, email_verified: true });
      expect((await signIn(bound, 'olga')).location).toBe('/?sso_error=OTHER_ORGANIZATION');
    } finally {
      await bound.close();
    }
  });
});
