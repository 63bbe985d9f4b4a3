import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/composition/server.js';
import type { Db } from '../src/db/schema.js';
import { startGmailWireServer, type GmailWireServer } from './gmail-wire-server.js';
import { TEST_SECRET } from './helper.js';

/**
 * The Gmail API service mailbox end to end, against a local server replaying Gmail's and Google OAuth's
 * recorded wire protocol (test/gmail-wire-server.ts, fixtures/gmail): an admin connects the mailbox
 * (consent with state + PKCE; the refresh token kept sealed), the server reads it with history polling
 * into the same mail queue and pipeline as SMTP/IMAP, answers through users.messages.send in the same
 * Gmail thread, survives a restart and an expired history without doubling a message, and refreshes an
 * expired access token — and no token ever reaches a log line.
 */
const CLIENT = { id: '1234567890-recorded.apps.googleusercontent.com', secret: 'GOCSPX-recorded-client-secret' };
const SERVICE = 'marketplace@acme-workspace.test';
/** Where Google sends the admin's browser back (the test follows the path on the server's real port). */
const PUBLIC = 'https://marketplace.acme-workspace.test';
const FIRST = { gmailId: '18bcd2a4f1e0c001', messageId: '<CAF8r2xQe7Yt0vB3nP1@mail.outside-mail.test>', sender: 'stranger@outside-mail.test' };
const SECOND = { gmailId: '18bd1f07aa3c0002', messageId: '<CAF8r2xZk91Lm2@mail.outside-mail.test>' };
/** Gmail push: the Pub/Sub topic users.watch is given, and the push subscription's service account and audience. */
const TOPIC = 'projects/acme-workspace/topics/gmail-push';
const PUSHER = 'gmail-push@acme-workspace.iam.gserviceaccount.com';
const AUDIENCE = `${PUBLIC}/api/v1/gmail/push`;
let googleKey: CryptoKey;

let wire: GmailWireServer;
let server: RunningServer;
let work: string;
let admin: { token: string; orgId: string };
let connectionId: string;
const logs: string[] = [];
const logSink = new Writable({
  write(chunk, _encoding, done) {
    logs.push(String(chunk));
    done();
  },
});

const start = () =>
  startServer({
    role: 'all',
    handleSignals: false,
    logDestination: logSink,
    env: {
      NODE_ENV: 'test',
      PORT: '0',
      PUBLIC_URL: PUBLIC,
      SMTP_LISTEN_PORT: '0',
      JWT_SECRET: TEST_SECRET,
      ROOT_KEY_PASSPHRASE: 'a test root key passphrase',
      LOG_LEVEL: 'debug',
      DATA_DIR: join(work, 'data'),
      SMTP_FROM: `Marketplace <${SERVICE}>`,
      GMAIL_CLIENT_ID: CLIENT.id,
      GMAIL_CLIENT_SECRET: CLIENT.secret,
      GMAIL_API_URL: wire.url,
      GOOGLE_OAUTH_URL: `${wire.url}/o/oauth2/v2/auth`,
      GOOGLE_TOKEN_URL: `${wire.url}/token`,
      GOOGLE_REVOKE_URL: `${wire.url}/revoke`,
      MAIL_TRANSPORT: 'gmail',
      GMAIL_PUBSUB_TOPIC: TOPIC,
      GMAIL_PUSH_SERVICE_ACCOUNT: PUSHER,
      GOOGLE_JWKS_URL: `${wire.url}/oauth2/v3/certs`,
    },
  });

/** A token as Pub/Sub signs it for an authenticated push (claims as Google documents them); `change` alters one. */
async function pushToken(change: { key?: CryptoKey; audience?: string; email?: string; expiresIn?: string } = {}) {
  return new SignJWT({ email: change.email ?? PUSHER, email_verified: true, azp: '113774264463038321964' })
    .setProtectedHeader({ alg: 'RS256', kid: 'recorded-google-key', typ: 'JWT' })
    .setIssuer('https://accounts.google.com')
    .setSubject('113774264463038321964')
    .setAudience(change.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(change.expiresIn ?? '1h')
    .sign(change.key ?? googleKey);
}

/** Pub/Sub's push body around Gmail's notification. */
const pushBody = (historyId: number) => ({
  message: { data: Buffer.from(JSON.stringify({ emailAddress: SERVICE, historyId })).toString('base64'), messageId: '2070443601311540', publishTime: '2026-12-06T21:00:00.000Z' },
  subscription: 'projects/acme-workspace/subscriptions/gmail-push-marketplace',
});

async function push(token: string | undefined, body: unknown = pushBody(2100)) {
  const response = await fetch(`${server.url}/api/v1/gmail/push`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'gmail-mailbox-'));
  wire = await startGmailWireServer(CLIENT);
  const google = await generateKeyPair('RS256');
  googleKey = google.privateKey;
  wire.signingKeys.push({ ...(await exportJWK(google.publicKey)), kid: 'recorded-google-key', alg: 'RS256', use: 'sig' });
  server = await start();
  const registered = await api('POST', '/api/v1/auth/register', { organization: 'Acme Workspace', name: 'Ada Admin', email: 'ada@acme-workspace.test', password: 'correct horse battery staple' });
  admin = { token: registered.body.token, orgId: registered.body.organization.id };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await wire?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const db = () => server.runtime.database.db as Db;

async function api(method: string, path: string, body?: unknown, token = admin?.token) {
  const response = await fetch(`${server.url}${path}`, { method, redirect: 'manual', headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, location: response.headers.get('location'), body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

/** The admin's browser: "Connect Gmail", Google's consent page (redirects back), the callback in the admin's session. */
async function consent(token = admin.token) {
  const started = await api('POST', '/api/v1/gmail/connect', undefined, token);
  expect(started.status).toBe(200);
  const atGoogle = await fetch(started.body.url, { redirect: 'manual' });
  const callback = new URL(atGoogle.headers.get('location')!);
  return { consentUrl: new URL(started.body.url), callback, finished: await api('GET', `${callback.pathname}${callback.search}`, undefined, token) };
}

async function processed(messageId: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const row = await db().selectFrom('incoming_mail').select(['outcome', 'state']).where('message_id', '=', messageId).where('state', '=', 'done').executeTakeFirst();
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${messageId} was not processed`);
}

const rows = async (messageId: string) => ({
  incoming: (await db().selectFrom('incoming_mail').select('id').where('message_id', '=', messageId).execute()).length,
  analyses: (await db().selectFrom('mail_analyses').select('id').where('message_id', '=', messageId).execute()).length,
});
const sends = () => wire.seen.filter((request) => request.path === '/gmail/v1/users/me/messages/send');

describe('the Gmail API mailbox against a local server replaying Gmail\'s recorded wire protocol', () => {
  it('an admin connects the mailbox: consent with state and PKCE, the refresh token stored sealed', async () => {
    const { consentUrl, callback, finished } = await consent();
    expect(consentUrl.origin + consentUrl.pathname).toBe(`${wire.url}/o/oauth2/v2/auth`);
    expect(Object.fromEntries(consentUrl.searchParams)).toMatchObject({ client_id: CLIENT.id, response_type: 'code', access_type: 'offline', prompt: 'consent', code_challenge_method: 'S256', scope: 'https://www.googleapis.com/auth/gmail.modify', redirect_uri: `${PUBLIC}/api/v1/gmail/oauth/callback` });
    expect(consentUrl.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(finished.status).toBe(302);
    expect(finished.location).toMatch(/^\/admin\/gmail\?connected=[0-9a-f-]{36}$/);
    connectionId = finished.location!.split('=')[1]!;

    // The code was traded with the verifier whose S256 challenge went to Google (the replay server checks it).
    const exchange = wire.seen.find((request) => request.path === '/token' && request.body.grant_type === 'authorization_code');
    expect(exchange?.body).toMatchObject({ code: callback.searchParams.get('code'), client_id: CLIENT.id, client_secret: CLIENT.secret });
    const row = await db().selectFrom('gmail_connections').selectAll().where('id', '=', connectionId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ org_id: admin.orgId, email: SERVICE, state: 'active', history_id: '1000' });
    expect(row.refresh_token_sealed).toMatch(/^v1\./);
    expect(row.refresh_token_sealed).not.toContain('RecordedRefreshToken');
    const overview = await api('GET', '/api/v1/gmail');
    expect(overview.body).toMatchObject({ configured: true, transport: 'gmail', serviceAddress: SERVICE, items: [{ id: connectionId, email: SERVICE, state: 'active', sendsOutgoingMail: true }] });
    expect(JSON.stringify(overview.body)).not.toContain('RecordedRefreshToken');

    // The same consent answer again (a replay, or a stolen redirect) connects nothing.
    const again = await api('GET', `${callback.pathname}${callback.search}`);
    expect(again.location).toBe('/admin/gmail?gmail_error=GMAIL_STATE_INVALID');
  });

  it('polling imports a new message into the same pipeline once, and the answer goes out through Gmail in its thread', async () => {
    wire.queue('history', 'history-message-added.json');
    const passes = await server.gmailMailbox!.poll();
    expect(passes.get(connectionId)).toEqual({ imported: 1, duplicates: 0, resynced: false });
    expect(await processed(FIRST.messageId)).toEqual({ outcome: 'unknown-sender:replied', state: 'done' });
    expect(await rows(FIRST.messageId)).toEqual({ incoming: 1, analyses: 1 });
    expect(wire.seen.find((request) => request.path === `/gmail/v1/users/me/messages/${FIRST.gmailId}`)?.query).toEqual({ format: 'raw' });
    expect((await db().selectFrom('gmail_connections').select('history_id').where('id', '=', connectionId).executeTakeFirstOrThrow()).history_id).toBe('1010');

    // The polite answer to the unknown sender: users.messages.send, raw RFC 822, in the incoming message's thread.
    const deadline = Date.now() + 10_000;
    while (sends().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sends()).toHaveLength(1);
    expect(sends()[0]!.body.threadId).toBe(FIRST.gmailId);
    const reply = Buffer.from(sends()[0]!.body.raw, 'base64url').toString('utf8');
    expect(reply).toMatch(new RegExp(`^In-Reply-To: ${FIRST.messageId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    expect(reply).toMatch(/^To: stranger@outside-mail\.test/m);
  }, 60_000);

  it('after a crash before the history id advanced, the restarted server reads the same history again and neither imports nor answers twice', async () => {
    await server.stop();
    // As if the process died after storing the message but before recording the new history id.
    const { createDatabase } = await import('@marketplace/db');
    const database = await createDatabase({ dataDir: join(work, 'data') });
    await (database.db as Db).updateTable('gmail_connections').set({ history_id: '1000' }).where('id', '=', connectionId).execute();
    await database.close();

    wire.queue('history', 'history-message-added.json');
    const fetchesBefore = wire.seen.filter((request) => request.path.startsWith('/gmail/v1/users/me/messages/1')).length;
    server = await start();
    const passes = await server.gmailMailbox!.poll();
    // The first pass at start may have taken the queued history; either way, nothing new.
    expect([...passes.values()].every((result) => result.imported === 0)).toBe(true);
    expect(await rows(FIRST.messageId)).toEqual({ incoming: 1, analyses: 1 });
    expect(wire.seen.filter((request) => request.path.startsWith('/gmail/v1/users/me/messages/1')).length).toBe(fetchesBefore);
    expect(sends()).toHaveLength(1);
    expect((await db().selectFrom('gmail_connections').select('history_id').where('id', '=', connectionId).executeTakeFirstOrThrow()).history_id).toBe('1010');
  }, 120_000);

  it('a history id Gmail no longer keeps (404) triggers a full resync that imports only what is new', async () => {
    wire.queue('history', 'history-not-found.json');
    wire.queue('profile', 'profile-later.json');
    const synced = await api('POST', `/api/v1/gmail/connections/${connectionId}/sync`);
    expect(synced).toMatchObject({ status: 200, body: { imported: 1, duplicates: 1, resynced: true } });
    expect(await rows(FIRST.messageId)).toMatchObject({ incoming: 1 });
    expect(await processed(SECOND.messageId)).toMatchObject({ state: 'done' });
    expect(await rows(SECOND.messageId)).toEqual({ incoming: 1, analyses: 1 });
    expect((await db().selectFrom('gmail_connections').select('history_id').where('id', '=', connectionId).executeTakeFirstOrThrow()).history_id).toBe('2000');
    // The new message's answer stays in its own thread.
    const deadline = Date.now() + 10_000;
    while (sends().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sends().map((request) => request.body.threadId)).toEqual([FIRST.gmailId, SECOND.gmailId]);
  }, 60_000);

  it('an expired access token (401) is refreshed with the sealed refresh token and the call repeated', async () => {
    wire.expireAccessTokens();
    const refreshesBefore = wire.seen.filter((request) => request.path === '/token' && request.body.grant_type === 'refresh_token').length;
    const synced = await api('POST', `/api/v1/gmail/connections/${connectionId}/sync`);
    expect(synced).toMatchObject({ status: 200, body: { imported: 0, resynced: false } });
    const history = wire.seen.filter((request) => request.path === '/gmail/v1/users/me/history');
    expect(history.at(-1)!.authorization).not.toBe(history.at(-2)!.authorization);
    const refreshes = wire.seen.filter((request) => request.path === '/token' && request.body.grant_type === 'refresh_token');
    expect(refreshes.length).toBe(refreshesBefore + 1);
    expect(refreshes.at(-1)!.body.refresh_token).toBe('1//0gRecordedRefreshToken-LjxYCg4R1FzL9rN');
  }, 60_000);

  it('users.watch registers the inbox with the Pub/Sub topic (recorded) and is not renewed while valid', async () => {
    const watches = wire.seen.filter((request) => request.path === '/gmail/v1/users/me/watch');
    // Once at the first pass; the passes since (and after the restart) found it valid.
    expect(watches).toHaveLength(1);
    expect(watches[0]!.body).toEqual({ topicName: TOPIC, labelIds: ['INBOX'], labelFilterBehavior: 'include' });
    const row = await db().selectFrom('gmail_connections').select('watch_expires_at').where('id', '=', connectionId).executeTakeFirstOrThrow();
    expect(new Date(row.watch_expires_at!).getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
  });

  it('a push signed by Google for the configured audience reads the mailbox at once (recorded)', async () => {
    wire.queue('history', 'history-push.json');
    const before = wire.seen.filter((request) => request.path === '/gmail/v1/users/me/history').length;
    expect(await push(await pushToken())).toEqual({ status: 204, body: null });
    expect(wire.seen.filter((request) => request.path === '/gmail/v1/users/me/history').length).toBe(before + 1);
    expect((await db().selectFrom('gmail_connections').select('history_id').where('id', '=', connectionId).executeTakeFirstOrThrow()).history_id).toBe('2100');
  }, 60_000);

  it('a push without a valid Google token is refused and reads nothing', async () => {
    const before = wire.seen.filter((request) => request.path === '/gmail/v1/users/me/history').length;
    const stranger = await generateKeyPair('RS256');
    const refused = [
      await push(undefined),
      await push('not-a-jwt'),
      await push(await pushToken({ key: stranger.privateKey })),
      await push(await pushToken({ audience: 'https://attacker.example/push' })),
      await push(await pushToken({ email: 'someone-else@attacker.iam.gserviceaccount.com' })),
      await push(await pushToken({ expiresIn: '-10m' })),
    ];
    for (const answer of refused) expect(answer).toMatchObject({ status: 401, body: { code: 'GMAIL_PUSH_UNAUTHENTICATED' } });
    expect(JSON.stringify(refused)).not.toMatch(/eyJ/);
    // Authenticated but not a Gmail notification: 400, nothing read.
    expect(await push(await pushToken(), { message: { data: Buffer.from('{"hello":1}').toString('base64') } })).toMatchObject({ status: 400, body: { code: 'GMAIL_PUSH_INVALID' } });
    expect(wire.seen.filter((request) => request.path === '/gmail/v1/users/me/history').length).toBe(before);
  }, 60_000);

  it('drafts.create puts a raw reply into the Gmail thread (the API the inbox could draft with)', async () => {
    const row = await db().selectFrom('gmail_connections').selectAll().where('id', '=', connectionId).executeTakeFirstOrThrow();
    const raw = Buffer.from(`From: ${SERVICE}\r\nTo: ${FIRST.sender}\r\nSubject: Re: Could you build us a visitor log?\r\nIn-Reply-To: ${FIRST.messageId}\r\n\r\nDraft text\r\n`);
    const draft = await server.app!.gmail!.apiFor(row).createDraft(raw, FIRST.gmailId);
    expect(draft).toEqual({ draftId: 'r-4217730915368271466', message: { id: '18bcd2c0d2e8b7f3', threadId: FIRST.gmailId } });
    const request = wire.seen.find((seen) => seen.path === '/gmail/v1/users/me/drafts')!;
    expect(request.body.message.threadId).toBe(FIRST.gmailId);
    expect(Buffer.from(request.body.message.raw, 'base64url').equals(raw)).toBe(true);
  });

  it('another organisation cannot see, read or disconnect the connection; its admin disconnects it and the grant is revoked', async () => {
    const other = await api('POST', '/api/v1/auth/register', { organization: 'Other Org', name: 'Olga', email: 'olga@other.test', password: 'correct horse battery staple' }, '');
    const otherToken = other.body.token as string;
    expect((await api('GET', '/api/v1/gmail', undefined, otherToken)).body.items).toEqual([]);
    expect((await api('POST', `/api/v1/gmail/connections/${connectionId}/sync`, undefined, otherToken)).status).toBe(404);
    expect((await api('DELETE', `/api/v1/gmail/connections/${connectionId}`, undefined, otherToken)).status).toBe(404);
    // Connecting the same mailbox from another organisation is refused (and that grant revoked again).
    expect((await consent(otherToken)).finished.location).toBe('/admin/gmail?gmail_error=GMAIL_ALREADY_CONNECTED');

    expect((await api('DELETE', `/api/v1/gmail/connections/${connectionId}`)).status).toBe(204);
    expect(wire.seen.filter((request) => request.path === '/revoke').length).toBe(2);
    expect(await db().selectFrom('gmail_connections').select('id').execute()).toEqual([]);
  }, 60_000);

  it('no token, code or client secret ever reached a log line', () => {
    const text = logs.join('');
    expect(text).toContain('Gmail mailbox connected');
    for (const secret of [...new Set(wire.issued)]) expect(text).not.toContain(secret);
    expect(text).not.toContain(CLIENT.secret);
  });
});
