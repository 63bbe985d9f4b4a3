import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStatusEmail } from '@marketplace/mail';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { deliverToQueue } from './incoming-mail.js';

let t: TestApp;
let admin: Account;
let member: Account;
let outsider: Account;

beforeAll(async () => {
  t = await createTestApp({ env: { ROOT_KEY_PASSPHRASE: 'a test root key passphrase' } });
  admin = await register(t.app, { organization: 'Agents Org' });
  member = await addUser(t.app, admin, ['member']);
  outsider = await register(t.app, { organization: 'Other Org' });
});
afterAll(async () => t.close());

const counts = async () => ({
  agents: (await t.database.db.selectFrom('agents').select('id').execute()).length,
  clients: (await t.database.db.selectFrom('agent_clients').select('id').execute()).length,
});

async function codeFor(account: Account, payload: object = {}) {
  const response = await call(t.app, account, { method: 'POST', url: '/api/v1/agents/enrollments', payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { code: string; expiresAt: string };
}

export async function enroll(app: TestApp['app'], code: string, extra: object = {}) {
  return app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'laptop', hostname: 'ana-laptop', os: 'linux', ...extra } });
}

async function agentToken(clientId: string, clientSecret: string) {
  return (await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret } })).json().access_token as string;
}

describe('agent enrolment', () => {
  it('exchanges a fresh code for credentials, the root key and the key list; the code works once', async () => {
    const { code, expiresAt } = await codeFor(member);
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    const response = await enroll(t.app, code.toLowerCase());
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ orgId: admin.orgId, serverUrl: expect.stringMatching(/^http/), keyListVersion: 1 });
    expect(body.mailbox).toMatch(/^agent-[0-9a-f]{10}@agents\.marketplace\.local$/);
    // the embedded hub's Maildir of that mailbox, for `run --maildir` on the server machine
    expect(body.maildir).toMatch(new RegExp(`/mail/${body.mailbox.replace(/[.@]/g, '.')}$`));
    const keys = (await call(t.app, member, { method: 'GET', url: '/api/v1/keys' })).json();
    expect(body.root.fingerprint).toBe(keys.rootFingerprint);
    const token = await agentToken(body.clientId, body.clientSecret);
    expect((await call(t.app, { token }, { method: 'GET', url: '/api/v1/keys' })).statusCode).toBe(200);

    const before = await counts();
    const again = await enroll(t.app, code);
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'ENROLLMENT_CODE_INVALID', detail: expect.stringContaining('already used') });
    expect(await counts()).toEqual(before);
  });

  it('refuses a wrong or expired code with a clear message and stores nothing', async () => {
    const before = await counts();
    const wrong = await enroll(t.app, 'AAAA-BBBB-CCCC');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().detail).toMatch(/not known.*Ask for a new code/);
    const { code } = await codeFor(member);
    await t.database.db.updateTable('agent_enrollments').set({ expires_at: new Date(Date.now() - 1000) }).where('used_at', 'is', null).execute();
    const expired = await enroll(t.app, code);
    expect(expired.statusCode).toBe(400);
    expect(expired.json().detail).toContain('expired');
    expect(await counts()).toEqual(before);
  });

  it('lets an admin create a code for another user, but not a member; the agent belongs to that user', async () => {
    expect((await call(t.app, member, { method: 'POST', url: '/api/v1/agents/enrollments', payload: { userId: admin.userId } })).statusCode).toBe(403);
    expect((await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/enrollments', payload: { userId: outsider.userId } })).statusCode).toBe(404);
    const { code } = await codeFor(admin, { userId: member.userId });
    const body = (await enroll(t.app, code, { name: 'desk', mailbox: 'Member.Desk@example.test' })).json();
    expect(body.mailbox).toBe('member.desk@example.test');
    expect(body.maildir).toBeNull();
    const mine = (await call(t.app, member, { method: 'GET', url: '/api/v1/agents' })).json().items;
    expect(mine.map((a: any) => a.id)).toContain(body.agentId);
    // the owner by name and e-mail, not by id
    const memberEmail = (await call(t.app, member, { method: 'GET', url: '/api/v1/auth/me' })).json().user.email;
    expect(mine.find((a: any) => a.id === body.agentId)).toMatchObject({ ownerName: expect.any(String), ownerEmail: memberEmail });
    expect((await call(t.app, admin, { method: 'GET', url: '/api/v1/agents' })).json().items.length).toBeGreaterThanOrEqual(2);
    const { code: second } = await codeFor(member);
    const taken = await enroll(t.app, second, { mailbox: 'member.desk@example.test' });
    expect(taken.json()).toMatchObject({ code: 'MAILBOX_TAKEN' });
  });

  it('takes heartbeats and reports, marks agents stale, and lists recipients for distribution', async () => {
    const { code } = await codeFor(member);
    const enrolled = (await enroll(t.app, code, { name: 'hb' })).json();
    const token = await agentToken(enrolled.clientId, enrolled.clientSecret);
    const listed = () => call(t.app, member, { method: 'GET', url: `/api/v1/agents/${enrolled.agentId}` }).then((r) => r.json());
    const heartbeat = await call(t.app, { token }, { method: 'POST', url: '/api/v1/agents/heartbeat', payload: { version: '0.1.0', os: 'linux', runtimes: ['process'], apps: [{ name: 'hello', version: '1.0.0', state: 'healthy' }] } });
    expect(heartbeat.statusCode, heartbeat.body).toBe(200);
    expect(Math.abs(Date.parse(heartbeat.json().serverTime) - Date.now())).toBeLessThan(5000);
    expect(await listed()).toMatchObject({ version: '0.1.0', runtimes: ['process'], stale: false, apps: [{ name: 'hello' }] });
    await t.database.db.updateTable('agents').set({ last_seen_at: new Date(Date.now() - 301_000) }).where('id', '=', enrolled.agentId).execute();
    expect((await listed()).stale).toBe(true);
    expect((await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { agents: { staleAfterSeconds: 600 } } } })).statusCode).toBe(200);
    expect((await listed()).stale).toBe(false);

    const bad = await call(t.app, { token }, { method: 'POST', url: '/api/v1/agents/reports', payload: { app: 'hello', version: 'one', state: 'healthy' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('semantic version');
    expect((await call(t.app, member, { method: 'POST', url: '/api/v1/agents/heartbeat', payload: { version: '1', os: 'x', runtimes: [], apps: [] } })).statusCode).toBe(403);

    const all = await t.app.agents.recipients(admin.orgId, { all: true });
    expect(all.find((r) => r.agentId === enrolled.agentId)).toMatchObject({ userId: member.userId, mailbox: enrolled.mailbox });
    expect((await t.app.agents.recipients(admin.orgId, { userIds: [admin.userId] })).every((r) => r.userId === admin.userId)).toBe(true);
    expect(await t.app.agents.recipients(outsider.orgId, { all: true })).toEqual([]);

    expect((await call(t.app, member, { method: 'DELETE', url: `/api/v1/agents/${enrolled.agentId}` })).statusCode).toBe(204);
    expect((await call(t.app, { token }, { method: 'POST', url: '/api/v1/agents/heartbeat', payload: { version: '0.1.0', os: 'linux', runtimes: [], apps: [] } })).statusCode).toBe(401);
    expect((await t.app.agents.recipients(admin.orgId, { all: true })).some((r) => r.agentId === enrolled.agentId)).toBe(false);
  });

  it('records status e-mails from the agent’s own mailbox and ignores forged ones', async () => {
    const { code } = await codeFor(member);
    const keys = generateKeyPairSync('ed25519');
    const signingKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const enrolled = (await enroll(t.app, code, { name: 'mailer', reportKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() })).json();
    const status = { statusVersion: 1 as const, agentId: enrolled.agentId, app: 'mailed-app', version: '2.0.0', state: 'healthy' as const, health: { ok: true, url: 'http://127.0.0.1:40123/' }, at: new Date().toISOString() };
    const forged = await buildStatusEmail({ from: 'mallory@example.test', to: 'marketplace@marketplace.test', messageId: '<forged@example.test>', status });
    expect((await deliverToQueue(t.app, forged, 'mallory@example.test', 'marketplace@marketplace.test')).outcome).toBe('refused:STATUS_MAIL_WRONG_MAILBOX');
    const none = (await call(t.app, admin, { method: 'GET', url: '/api/v1/deployments?app=mailed-app' })).json().items;
    expect(none).toEqual([]);
    const real = await buildStatusEmail({ from: enrolled.mailbox, to: 'marketplace@marketplace.test', messageId: '<real@example.test>', status, signingKey });
    expect((await deliverToQueue(t.app, real, enrolled.mailbox, 'marketplace@marketplace.test')).outcome).toBe('status-report');
    const items = (await call(t.app, admin, { method: 'GET', url: '/api/v1/deployments?app=mailed-app' })).json().items;
    expect(items).toMatchObject([{ app: 'mailed-app', version: '2.0.0', state: 'healthy', agentId: enrolled.agentId, health: { ok: true, url: 'http://127.0.0.1:40123/' } }]);
    // Mail that is not a status report passes on to the conversations handler and records no deployment.
    expect((await deliverToQueue(t.app, Buffer.from('Subject: hi\r\n\r\nhello\r\n'), 'x@example.test', 'marketplace@marketplace.test')).outcome).toMatch(/^unknown-sender:/);
    expect((await call(t.app, admin, { method: 'GET', url: '/api/v1/deployments?app=mailed-app' })).json().items).toHaveLength(items.length);
  });
});
