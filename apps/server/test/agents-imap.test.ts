import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImapMailbox } from '@marketplace/mail';
import { findDovecot, INSTALL_HINT, startDovecot, type TestDovecot } from '@marketplace/mail/testing';
import { enroll, startAgent, type RunningAgent } from '../../agent/src/index.js';
import { releaseMail, signedTinyRelease } from '../../agent/test/release-fixtures.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

/**
 * The agent on a real Dovecot IMAP server: IDLE notices the release, the agent deploys it and
 * files the mail in Marketplace/Processed; when Dovecot is killed and started again, the agent
 * reconnects with backoff and handles the next release.
 */
const hasDovecot = findDovecot() !== null;
if (!hasDovecot && process.env.CI === 'true') throw new Error(`dovecot is required in CI: ${INSTALL_HINT}`);
if (!hasDovecot) console.warn(`agents-imap: skipped, dovecot is not installed (${INSTALL_HINT})`);

let t: TestApp;
let dovecot: TestDovecot;
let admin: Account;
let agent: RunningAgent;
let work: string;
const USER = { user: 'agentbox', pass: 'agent box password' };

beforeAll(async () => {
  if (!hasDovecot) return;
  work = mkdtempSync(join(tmpdir(), 'agent-imap-'));
  t = await createTestApp({ env: { ROOT_KEY_PASSPHRASE: 'a test root key passphrase' } });
  const serverUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  dovecot = await startDovecot({ users: [USER] });
  admin = await register(t.app, { organization: 'IMAP Org' });
  const { code } = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  const home = join(work, 'home');
  await enroll({ server: serverUrl, code, home, mailbox: 'agentbox@imap.test' });
  const mailbox = await openImapMailbox({ host: dovecot.host, port: dovecot.port, secure: false, user: USER.user, pass: USER.pass, idleDelayMs: 50, backoff: { baseMs: 100, maxMs: 1000 }, operationTimeoutMs: 20_000 });
  agent = await startAgent({ home, mailbox, maxHealthTimeoutMs: 8000, log: () => {} });
  agent.watch();
}, 60_000);

afterAll(async () => {
  await agent?.stop({ stopApps: true });
  await dovecot?.stop();
  await t?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const deployments = async () => (await call(t.app, admin, { method: 'GET', url: '/api/v1/deployments?app=imap-app' })).json().items as any[];
const processed = () => {
  const dir = join(dovecot.maildir(USER.user), '.Marketplace.Processed');
  return ['new', 'cur'].reduce((sum, sub) => sum + (existsSync(join(dir, sub)) ? readdirSync(join(dir, sub)).length : 0), 0);
};

describe.runIf(hasDovecot)('agent on IMAP IDLE (real Dovecot)', () => {
  it('deploys a release appended over IMAP, without polling, and files it in Marketplace/Processed', async () => {
    await dovecot.append(USER.user, Buffer.from('From: a@b.test\r\nTo: agentbox@imap.test\r\nSubject: unrelated\r\n\r\nhello\r\n'));
    const release = await signedTinyRelease(await t.app.orgKeys.signingKey(admin.orgId), 'imap-app', '1.0.0');
    await dovecot.append(USER.user, await releaseMail(release, { org: admin.orgId, to: 'agentbox@imap.test', agentId: agent.config.agentId }));
    await until('healthy deployment', async () => (await deployments()).some((d) => d.version === '1.0.0' && d.state === 'healthy'));
    await until('mail filed', () => processed() === 1);
    // Read from the Maildir directly, the copy into Processed and the removal from INBOX are two steps.
    const inbox = join(dovecot.maildir(USER.user));
    const inInbox = () => readdirSync(join(inbox, 'new')).length + readdirSync(join(inbox, 'cur')).length;
    await until('only the unrelated mail left in INBOX', () => inInbox() === 1, 10_000);
    expect(inInbox()).toBe(1);
  }, 60_000);

  it('reconnects after Dovecot dies and handles the next release', async () => {
    await dovecot.kill();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await dovecot.start();
    const release = await signedTinyRelease(await t.app.orgKeys.signingKey(admin.orgId), 'imap-app', '1.1.0');
    await dovecot.append(USER.user, await releaseMail(release, { org: admin.orgId, to: 'agentbox@imap.test', agentId: agent.config.agentId }));
    await until('v1.1.0 healthy after reconnect', async () => (await deployments()).some((d) => d.version === '1.1.0' && d.state === 'healthy'), 45_000);
    expect(agent.deployedVersion('imap-app')).toBe('1.1.0');
    await until('mail filed', () => processed() === 2);
  }, 60_000);
});
