import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openImapMailbox, type ImapMailbox } from '@marketplace/mail';
import { startDovecot, type TestDovecot } from '@marketplace/mail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { pollMailbox } from '../src/modules/mail-intake/poll-mailbox.js';
import { handleIncomingMail } from './incoming-mail.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

/** The service mailbox's poller, each message stored and processed to its outcome. */
const ingestMailbox = (services: TestApp['app']['conversationServices'], box: ImapMailbox) => pollMailbox(box, services.mail.address, (raw, envelope) => handleIncomingMail(services, raw, envelope));

let dovecot: TestDovecot;
let mailbox: ImapMailbox;
let t: TestApp;
let user: Account;

beforeAll(async () => {
  dovecot = await startDovecot({ users: [{ user: 'marketplace', pass: 'service-secret' }] });
  t = await createTestApp();
  user = await register(t.app, { organization: 'IMAP Org' });
}, 60_000);
afterAll(async () => {
  await mailbox?.close();
  await t?.close();
  await dovecot?.stop();
});

const mail = (id: string, body: string, extra = '') => Buffer.from(`Return-Path: <${user.email}>\r\nFrom: ${user.email}\r\nTo: marketplace@localhost\r\nSubject: by imap\r\nMessage-ID: <${id}@client.test>\r\n${extra}\r\n${body}\r\n`);

describe('conversations from a service mailbox (real Dovecot IMAP)', () => {
  it('stores and processes each message once, then moves it out of the inbox', async () => {
    const id = randomUUID();
    await dovecot.append('marketplace', mail(id, 'I need a form for visitor badges'));
    await dovecot.append('marketplace', mail(id, 'I need a form for visitor badges')); // the same message delivered twice
    await dovecot.append('marketplace', mail(randomUUID(), 'I am out of office', 'Auto-Submitted: auto-replied\r\n'));
    mailbox = await openImapMailbox({ host: dovecot.host, port: dovecot.port, secure: false, user: 'marketplace', pass: 'service-secret' });
    const results = await ingestMailbox(t.app.conversationServices, mailbox);
    // A plain first mail proves nothing about its sender: it waits for the user's confirmation (this test
    // app sends no mail, so no confirmation mail could be asked for: `limited`), and nothing starts yet.
    expect(results.map((r) => r.outcome)).toEqual(['refused:unproven-sender:limited', 'duplicate', 'ignored:auto-reply']);
    expect(await mailbox.list()).toEqual([]);
    expect(await ingestMailbox(t.app.conversationServices, mailbox)).toEqual([]);
    const db = t.database.db as Db;
    expect(await db.selectFrom('conversations').select('id').execute()).toEqual([]);
    // The user confirms it signed in: the waiting mail starts its conversation, once.
    const waiting = (await call(t.app, user, { method: 'GET', url: '/api/v1/mail-confirmations' })).json().items;
    expect(waiting).toHaveLength(1);
    expect((await call(t.app, user, { method: 'POST', url: `/api/v1/mail-confirmations/${waiting[0].id}/confirm` })).statusCode).toBe(200);
    const conversations = await db.selectFrom('conversations').select(['channel', 'user_id']).execute();
    expect(conversations).toEqual([{ channel: 'email', user_id: user.userId }]);
    const processed = join(dovecot.maildir('marketplace'), '.Marketplace.Processed');
    expect([...(await readdir(join(processed, 'new'))), ...(await readdir(join(processed, 'cur')))]).toHaveLength(3);
  });
});
