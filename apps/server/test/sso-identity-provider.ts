import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface IdpAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Accounts by login name: add one before signing in with it. */
  accounts: Map<string, IdpAccount>;
  close(): Promise<void>;
}

/**
 * A real OpenID Provider (oidc-provider) on 127.0.0.1, with one confidential client for `redirectUri`
 * and in-memory accounts. Its development sign-in form takes any password for a known login.
 */
export async function startIdentityProvider(redirectUri: string, options: { idTokenHasEmail?: boolean } = {}): Promise<TestIdentityProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, IdpAccount>();
  const clientId = 'marketplace';
  const clientSecret = 'idp-client-secret-for-the-marketplace';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    async findAccount(_ctx: unknown, id: string) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // false: e-mail and name ride in the id_token itself; true (the spec's default): only at userinfo.
    conformIdTokenClaims: options.idTokenHasEmail === false,
    cookies: { keys: ['test-identity-provider-cookie-key'] },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3_600, Grant: 3_600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    features: { devInteractions: { enabled: true } },
  } as any);
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A person at the provider's sign-in page: follow its redirects with a cookie jar, fill in the login
 * form (or press "abort"), grant consent, and stop at the redirect back to `redirectUri`.
 */
export async function signInAtProvider(authorizationUrl: string, redirectUri: string, login: string, options: { abort?: boolean } = {}): Promise<URL> {
  const jar = new Map<string, string>();
  let request: { url: string; method: 'GET' | 'POST'; body?: URLSearchParams } = { url: authorizationUrl, method: 'GET' };
  for (let step = 0; step < 20; step += 1) {
    const response = await fetch(request.url, {
      method: request.method,
      redirect: 'manual',
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '), ...(request.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(request.body ? { body: request.body.toString() } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = new URL(response.headers.get('location')!, request.url);
      if (location.href.startsWith(redirectUri)) return location;
      request = { url: location.href, method: 'GET' };
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`the identity provider answered ${response.status}: ${html.slice(0, 300)}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`no sign-in form on the identity provider's page: ${html.slice(0, 300)}`);
    if (options.abort) {
      request = { url: new URL(`${new URL(action, request.url).pathname}/abort`, request.url).href, method: 'GET' };
      continue;
    }
    const body = prompt === 'login' ? new URLSearchParams({ prompt, login, password: 'any password' }) : new URLSearchParams({ prompt });
    request = { url: new URL(action, request.url).href, method: 'POST', body };
  }
  throw new Error('the identity provider never redirected back');
}
