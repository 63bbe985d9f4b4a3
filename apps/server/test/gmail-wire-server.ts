import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server replaying Gmail's and Google OAuth's wire protocol from fixtures/gmail (responses in the
 * shapes Google documents). It behaves like Google where the client's correctness shows: the consent page
 * redirects back with a code and the state it was given; the token endpoint checks the client secret, the
 * code and the PKCE verifier, and issues access tokens that the Gmail endpoints accept until `expireAccessTokens()`.
 */
const FIXTURES = new URL('./fixtures/gmail/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as { response: { status: number; headers: Record<string, string>; body: any } };

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: any;
}

export type GmailRoute = 'profile' | 'history' | 'messages' | 'token';

export interface GmailWireServer {
  url: string;
  seen: SeenRequest[];
  /** The next answers of a route, in order (each fixture once); afterwards the route's usual answer. */
  queue(route: GmailRoute, ...fixtures: string[]): void;
  /** Every access token issued so far stops working (Gmail answers 401 until the client refreshes). */
  expireAccessTokens(): void;
  /** Every token the server issued (to check they never reach a log). */
  issued: string[];
  /** The public keys served as Google's JWKS (/oauth2/v3/certs), which sign Pub/Sub push tokens. */
  signingKeys: object[];
  close(): Promise<void>;
}

export const RECORDED_CODE = '4/0AeaYSHBrecorded-authorization-code';
const DEFAULTS: Record<GmailRoute, string> = { profile: 'profile.json', history: 'history-empty.json', messages: 'messages-list.json', token: '' };

export async function startGmailWireServer(client: { id: string; secret: string }): Promise<GmailWireServer> {
  const seen: SeenRequest[] = [];
  const queues: Record<GmailRoute, string[]> = { profile: [], history: [], messages: [], token: [] };
  const challenges = new Map<string, string>();
  const validAccess = new Set<string>();
  const issued: string[] = [];
  const signingKeys: object[] = [];
  let refreshToken: string | null = null;
  let refreshes = 0;

  const send = (res: ServerResponse, name: string, fill: Record<string, string> = {}) => {
    const { response } = fixture(name);
    let body = JSON.stringify(response.body);
    for (const [key, value] of Object.entries(fill)) body = body.replaceAll(`{${key}}`, value);
    res.writeHead(response.status, response.headers).end(body);
    return JSON.parse(body);
  };

  function token(res: ServerResponse, form: URLSearchParams) {
    const queued = queues.token.shift();
    if (queued) return send(res, queued);
    if (form.get('client_id') !== client.id || form.get('client_secret') !== client.secret) return res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_client', error_description: 'Unauthorized' }));
    if (form.get('grant_type') === 'authorization_code') {
      const challenge = challenges.get(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      if (!challenge || createHash('sha256').update(verifier).digest('base64url') !== challenge) return send(res, 'token-invalid-grant.json');
      challenges.delete(form.get('code')!);
      const answer = send(res, 'token-authorization-code.json');
      refreshToken = answer.refresh_token;
      validAccess.add(answer.access_token);
      issued.push(answer.access_token, answer.refresh_token, RECORDED_CODE);
      return;
    }
    if (form.get('grant_type') === 'refresh_token' && refreshToken && form.get('refresh_token') === refreshToken) {
      const answer = send(res, 'token-refresh.json', { n: String(++refreshes + 1) });
      validAccess.add(answer.access_token);
      issued.push(answer.access_token);
      return;
    }
    return send(res, 'token-invalid-grant.json');
  }

  function gmail(req: IncomingMessage, res: ServerResponse, path: string, body: any) {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !validAccess.has(bearer)) return send(res, 'error-401.json');
    const next = (route: GmailRoute) => queues[route].shift() ?? DEFAULTS[route];
    if (path === '/gmail/v1/users/me/profile') return send(res, next('profile'));
    if (path === '/gmail/v1/users/me/history') return send(res, next('history'));
    if (path === '/gmail/v1/users/me/messages') return send(res, next('messages'));
    if (path === '/gmail/v1/users/me/messages/send' && req.method === 'POST') return send(res, 'messages-send.json', { threadId: body?.threadId ?? '18bcd2b91c7e4a10' });
    if (path === '/gmail/v1/users/me/watch' && req.method === 'POST') return send(res, 'watch.json', { expiration: String(Date.now() + 7 * 86_400_000) });
    if (path === '/gmail/v1/users/me/drafts' && req.method === 'POST') return send(res, 'drafts-create.json', { threadId: body?.message?.threadId ?? '18bcd2c0d2e8b7f3' });
    const id = /^\/gmail\/v1\/users\/me\/messages\/([0-9a-f]+)$/.exec(path)?.[1];
    if (id) return send(res, `message-raw-${id}.json`);
    return res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } }));
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://replay.local');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = (req.headers['content-type'] ?? '').includes('json') && text ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text));
      seen.push({ method: req.method!, path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization, body });
      if (url.pathname === '/o/oauth2/v2/auth') {
        // The admin consents: Google redirects back with a code and the state it was given.
        challenges.set(RECORDED_CODE, url.searchParams.get('code_challenge') ?? '');
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.search = new URLSearchParams({ state: url.searchParams.get('state') ?? '', code: RECORDED_CODE, scope: url.searchParams.get('scope') ?? '', iss: 'https://accounts.google.com' }).toString();
        return res.writeHead(302, { location: back.href }).end();
      }
      if (url.pathname === '/token') return token(res, new URLSearchParams(text));
      if (url.pathname === '/oauth2/v3/certs') return res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'cache-control': 'public, max-age=21600' }).end(JSON.stringify({ keys: signingKeys }));
      if (url.pathname === '/revoke') {
        refreshToken = null;
        return send(res, 'revoke.json');
      }
      return gmail(req, res, url.pathname, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    issued,
    signingKeys,
    queue: (route, ...names) => void queues[route].push(...names),
    expireAccessTokens: () => validAccess.clear(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
