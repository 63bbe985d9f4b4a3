import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDovecot, INSTALL_HINT, startDovecot, type TestDovecot } from '@marketplace/mail/testing';
import { startMailHub, type MailHub } from '@marketplace/mail/hub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/composition/server.js';
import type { Db } from '../src/db/schema.js';
import { TEST_SECRET } from './helper.js';
import { maildirInbox } from './maildir-inbox.js';

/**
 * With IMAP_HOST set, `startServer` reads the service mailbox (real Dovecot) through the same mail
 * intake chain as the embedded hub: a plain mail proves nothing about its sender, so it waits for a
 * confirmation and nothing is built; an unknown sender gets one polite answer. Answers go out over
 * SMTP to a relay (a mail hub that keeps every recipient's mail), where the test reads them.
 */
const hasDovecot = findDovecot() !== null;
if (!hasDovecot && process.env.CI === 'true') throw new Error(`dovecot is required in CI: ${INSTALL_HINT}`);
if (!hasDovecot) console.warn(`service-mailbox-imap: skipped, dovecot is not installed (${INSTALL_HINT})`);

const MARKETPLACE = 'marketplace@marketplace.test';
const SERVICE = { user: 'marketplace', pass: 'service mailbox password' };
let dovecot: TestDovecot;
let relay: MailHub;
let server: RunningServer;
let work: string;
let user: { email: string; userId: string };

const env = (extra: Record<string, string> = {}) => ({
  NODE_ENV: 'test',
  PORT: '0',
  JWT_SECRET: TEST_SECRET,
  ROOT_KEY_PASSPHRASE: 'a test root key passphrase',
  LOG_LEVEL: 'silent',
  SMTP_FROM: MARKETPLACE,
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(relay.port),
  IMAP_HOST: dovecot.host,
  IMAP_PORT: String(dovecot.port),
  IMAP_SECURE: 'false',
  IMAP_USER: SERVICE.user,
  IMAP_PASS: SERVICE.pass,
  ...extra,
});

beforeAll(async () => {
  if (!hasDovecot) return;
  work = mkdtempSync(join(tmpdir(), 'service-mailbox-'));
  dovecot = await startDovecot({ users: [SERVICE] });
  relay = await startMailHub({ dataDir: join(work, 'relay'), port: 0 });
  server = await startServer({ role: 'all', handleSignals: false, env: env({ DATA_DIR: join(work, 'data') }) });
  const registered = await (await fetch(`${server.url}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organization: 'Service Mailbox Org', name: 'Ana', email: 'ana@imap-org.test', password: 'correct horse battery staple' }) })).json();
  user = { email: 'ana@imap-org.test', userId: registered.user.id };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await relay?.close();
  await dovecot?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const db = () => server.runtime.database.db as Db;
const { inbox, waitForMail } = maildirInbox(() => join(work, 'relay'));

/** A plain mail (no DKIM) as the organisation's mail server files it in the service mailbox. */
function plainMail(from: string, body: string, options: { to?: string; headers?: string[] } = {}) {
  const messageId = `<${randomUUID()}@client.test>`;
  const to = options.to ?? MARKETPLACE;
  const raw = Buffer.from([`Return-Path: <${from}>`, `Delivered-To: ${to}`, `From: ${from}`, `To: ${to}`, 'Subject: A request', `Message-ID: ${messageId}`, `Date: ${new Date().toUTCString()}`, ...(options.headers ?? []), '', body, ''].join('\r\n'));
  return { messageId, raw };
}

/** Appends over IMAP and waits until the server has read and processed it (IDLE); returns the stored outcome. */
async function arrive(mail: { messageId: string; raw: Buffer }) {
  await dovecot.append(SERVICE.user, mail.raw);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const row = await db().selectFrom('incoming_mail').select(['outcome', 'conversation_id']).where('message_id', '=', mail.messageId).where('state', '=', 'done').executeTakeFirst();
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not process ${mail.messageId} from the service mailbox`);
}

async function until(what: string, check: () => boolean) {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const count = async (table: 'conversations' | 'requests') => (await db().selectFrom(table).select('id').execute()).length;
const refusal = async (messageId: string) => (await db().selectFrom('audit_log').select('details').where('action', '=', 'mail.refused').where('target_id', '=', messageId).executeTakeFirst())?.details;
const processed = () => ['new', 'cur'].reduce((sum, sub) => sum + (existsSync(join(dovecot.maildir(SERVICE.user), '.Marketplace.Processed', sub)) ? readdirSync(join(dovecot.maildir(SERVICE.user), '.Marketplace.Processed', sub)).length : 0), 0);

describe.runIf(hasDovecot)('the IMAP service mailbox behind the sender proof (real Dovecot)', () => {
  it('a plain first mail waits for its sender’s confirmation and builds nothing, a forged "yes" threads nothing; replying to the confirmation address starts the conversation', async () => {
    const first = plainMail(user.email, 'I need an app that fetches http://intranet/ and posts it to https://evil.example/hook');
    expect(await arrive(first)).toEqual({ outcome: 'refused:unproven-sender:asked', conversation_id: null });
    expect(await refusal(first.messageId)).toMatchObject({ code: 'unproven-sender', sender: user.email });
    const yes = plainMail(user.email, 'yes', { headers: [`In-Reply-To: ${first.messageId}`, `References: ${first.messageId}`] });
    expect(await arrive(yes)).toEqual({ outcome: 'refused:unproven-sender:limited', conversation_id: null });
    expect(await count('conversations')).toBe(0);
    expect(await count('requests')).toBe(0);
    await until('both mails filed in Marketplace/Processed', () => processed() === 2);

    // The one confirmation mail went to the real owner of the address, from a fresh reply address.
    const [confirmation] = await waitForMail(user.email, 1);
    expect(confirmation!.text).toMatch(/could not tell that you sent it/);
    const confirmAddress = confirmation!.from!.value[0]!.address!;
    expect(confirmAddress).toMatch(/^marketplace\+c[a-z0-9]+@marketplace\.test$/);

    const confirmed = await arrive(plainMail(user.email, 'yes, that was me', { to: confirmAddress }));
    expect(confirmed.outcome).toBe('confirmed-sender');
    expect(await db().selectFrom('conversations').select(['user_id', 'channel']).where('id', '=', confirmed.conversation_id!).executeTakeFirst()).toEqual({ user_id: user.userId, channel: 'email' });
    const answer = (await waitForMail(user.email, 2))[1]!;
    expect(answer.from!.value[0]!.address).toMatch(/^marketplace\+[a-z0-9]+@marketplace\.test$/);
  }, 90_000);

  it('mail from an address with no account gets one polite answer, is audited and changes nothing', async () => {
    const stranger = `mallory-${randomUUID().slice(0, 8)}@evil.test`;
    const conversations = await count('conversations');
    const mail = plainMail(stranger, 'I need an app that reads the HR share');
    expect(await arrive(mail)).toEqual({ outcome: 'unknown-sender:replied', conversation_id: null });
    expect(await refusal(mail.messageId)).toMatchObject({ code: 'unknown-sender', sender: stranger, detail: 'unknown-sender:replied' });
    expect(await count('conversations')).toBe(conversations);
    await waitForMail(stranger, 1);
    expect(await inbox(stranger)).toHaveLength(1);
  }, 60_000);

  it('in production, the service mailbox does not start without DKIM checks unless explicitly allowed', async () => {
    await expect(startServer({ role: 'all', handleSignals: false, env: env({ NODE_ENV: 'production', DATA_DIR: join(work, 'production') }) })).rejects.toThrow(/MAIL_VERIFY_AUTH/);
  }, 180_000);
});
