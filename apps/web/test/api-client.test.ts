import { describe, expect, it } from 'vitest';
import { ApiClient } from '../src/api/api-client';
import { ApiError } from '../src/api/api-error';

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const json = (status: number, body: unknown, type = 'application/json') => new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
const problem = (status: number, code: string, detail: string) => json(status, { type: 'about:blank', title: 'x', status, code, detail, requestId: 'req-1' }, 'application/problem+json');

/** A server double answering from a routing function, recording every request the client made. */
function server(route: (call: Call, calls: Call[]) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const call: Call = { method: init.method ?? 'GET', url: String(input), headers: (init.headers ?? {}) as Record<string, string>, ...(init.body ? { body: String(init.body) } : {}) };
    calls.push(call);
    return route(call, calls);
  }) as typeof fetch;
  return { calls, fetchImpl };
}

describe('ApiClient', () => {
  it('fetches a CSRF token before the first unsafe request and sends it, but not on GETs', async () => {
    const { calls, fetchImpl } = server((call) => (call.url === '/api/v1/auth/csrf' ? json(200, { csrfToken: 'csrf-1' }) : json(200, { ok: true })));
    const client = new ApiClient({ fetch: fetchImpl });
    await client.get('/api/v1/users');
    await client.post('/api/v1/api-keys', { name: 'k' });
    await client.delete('/api/v1/api-keys/1');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /api/v1/users', 'GET /api/v1/auth/csrf', 'POST /api/v1/api-keys', 'DELETE /api/v1/api-keys/1']);
    expect(calls[0]!.headers['x-csrf-token']).toBeUndefined();
    expect(calls[2]!.headers['x-csrf-token']).toBe('csrf-1');
    expect(calls[3]!.headers['x-csrf-token']).toBe('csrf-1');
    expect(JSON.parse(calls[2]!.body!)).toEqual({ name: 'k' });
  });

  it('asks for the CSRF token once when a write starts while the session is still fetching it', async () => {
    const { calls, fetchImpl } = server((call) => (call.url === '/api/v1/auth/csrf' ? json(200, { csrfToken: 'csrf-1' }) : json(200, { ok: true })));
    const client = new ApiClient({ fetch: fetchImpl });
    const session = client.fetchCsrfToken();
    await Promise.all([session, client.post('/api/v1/api-keys', { name: 'k' })]);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /api/v1/auth/csrf', 'POST /api/v1/api-keys']);
    expect(calls[1]!.headers['x-csrf-token']).toBe('csrf-1');
  });

  it('uses the token from the login response without asking for another', async () => {
    const { calls, fetchImpl } = server(() => json(200, {}));
    const client = new ApiClient({ fetch: fetchImpl });
    client.setCsrfToken('from-login');
    await client.put('/api/v1/config', { settings: {} });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers['x-csrf-token']).toBe('from-login');
  });

  it('refreshes once on 401 TOKEN_EXPIRED and repeats the call, for several calls at once', async () => {
    let fresh = false;
    const { calls, fetchImpl } = server((call) => {
      if (call.url === '/api/v1/auth/refresh') {
        fresh = true;
        return json(200, { token: 't' });
      }
      return fresh ? json(200, { url: call.url }) : problem(401, 'TOKEN_EXPIRED', 'The token has expired.');
    });
    const client = new ApiClient({ fetch: fetchImpl });
    const results = await Promise.all([client.get<{ url: string }>('/api/v1/users'), client.get<{ url: string }>('/api/v1/invitations')]);
    expect(results.map((r) => r.url)).toEqual(['/api/v1/users', '/api/v1/invitations']);
    expect(calls.filter((c) => c.url === '/api/v1/auth/refresh')).toHaveLength(1);
  });

  it('also refreshes on 401 UNAUTHORIZED, which is what arrives once the browser dropped the expired cookie', async () => {
    let fresh = false;
    const { calls, fetchImpl } = server((call) => {
      if (call.url === '/api/v1/auth/refresh') {
        fresh = true;
        return json(200, {});
      }
      return fresh ? json(200, { ok: true }) : problem(401, 'UNAUTHORIZED', 'Sign in first.');
    });
    expect(await new ApiClient({ fetch: fetchImpl }).get('/api/v1/auth/me')).toEqual({ ok: true });
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/auth/me', '/api/v1/auth/refresh', '/api/v1/auth/me']);
  });

  it('does not refresh on other 401s, such as a wrong password', async () => {
    const { calls, fetchImpl } = server(() => problem(401, 'INVALID_CREDENTIALS', 'The e-mail or password is wrong.'));
    await new ApiClient({ fetch: fetchImpl }).post('/api/v1/auth/login', {}, { noRefresh: true }).catch(() => {});
    await new ApiClient({ fetch: fetchImpl }).get('/api/v1/users').catch(() => {});
    expect(calls.filter((c) => c.url.endsWith('/refresh'))).toHaveLength(0);
  });

  it('reports a lost session when the refresh fails, and throws the problem', async () => {
    let lost = 0;
    const { fetchImpl } = server((call) => (call.url === '/api/v1/auth/refresh' ? problem(401, 'REFRESH_INVALID', 'Sign in again.') : problem(401, 'TOKEN_EXPIRED', 'The token has expired.')));
    const client = new ApiClient({ fetch: fetchImpl, onSessionLost: () => lost++ });
    const error = await client.get('/api/v1/users').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('TOKEN_EXPIRED');
    expect(lost).toBe(1);
  });

  it('goes back to sign-in at once when the session was ended (signed out elsewhere, disabled, roles changed), without trying a refresh', async () => {
    let lost = 0;
    const { calls, fetchImpl } = server(() => problem(401, 'SESSION_ENDED', 'This session has ended; sign in again.'));
    const client = new ApiClient({ fetch: fetchImpl, onSessionLost: () => lost++ });
    const error = await client.get('/api/v1/users').catch((e: unknown) => e);
    expect((error as ApiError).code).toBe('SESSION_ENDED');
    expect(lost).toBe(1);
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/users']);
  });

  it('fetches a new CSRF token and retries once when the server rejects the old one', async () => {
    let tokens = 0;
    const { calls, fetchImpl } = server((call) => {
      if (call.url === '/api/v1/auth/csrf') return json(200, { csrfToken: `csrf-${++tokens}` });
      return call.headers['x-csrf-token'] === 'csrf-1' ? json(200, { saved: true }) : problem(403, 'CSRF_INVALID', 'The CSRF token is wrong.');
    });
    const client = new ApiClient({ fetch: fetchImpl });
    client.setCsrfToken('stale');
    expect(await client.post('/api/v1/invitations', { email: 'a@b.c' })).toEqual({ saved: true });
    expect(calls.map((c) => c.headers['x-csrf-token'] ?? '-')).toEqual(['stale', '-', 'csrf-1']);
  });

  it('turns problem+json into an ApiError carrying the detail, code, request id and field errors', async () => {
    const { fetchImpl } = server(() => json(400, { status: 400, code: 'VALIDATION', detail: 'body/email must be an e-mail address', requestId: 'r-9', errors: [{ path: 'body/email', message: 'must be an e-mail address' }] }, 'application/problem+json'));
    const error = (await new ApiClient({ fetch: fetchImpl }).get('/api/v1/x').catch((e: unknown) => e)) as ApiError;
    expect(error.detail).toBe('body/email must be an e-mail address');
    expect(error.code).toBe('VALIDATION');
    expect(error.requestId).toBe('r-9');
    expect(error.fieldErrors).toEqual([{ path: 'body/email', message: 'must be an e-mail address' }]);
    expect(error.retryable).toBe(false);
  });

  it('marks a route the server does not have yet as not available, and network failures as retryable', async () => {
    const missing = server(() => problem(404, 'ROUTE_NOT_FOUND', 'There is no GET /api/v1/apps.'));
    const notThere = (await new ApiClient({ fetch: missing.fetchImpl }).get('/api/v1/apps').catch((e: unknown) => e)) as ApiError;
    expect(notThere.notAvailable).toBe(true);
    const down = new ApiClient({ fetch: (async () => { throw new TypeError('Failed to fetch'); }) as typeof fetch });
    const offline = (await down.get('/api/v1/apps').catch((e: unknown) => e)) as ApiError;
    expect(offline.status).toBe(0);
    expect(offline.retryable).toBe(true);
    expect(offline.detail).toMatch(/cannot be reached/);
  });

  it('explains a non-JSON failure by its status', async () => {
    const { fetchImpl } = server(() => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }));
    const error = (await new ApiClient({ fetch: fetchImpl }).get('/api/v1/x').catch((e: unknown) => e)) as ApiError;
    expect(error.detail).toBe('The server answered 502 Bad Gateway.');
    expect(error.retryable).toBe(true);
  });
});
