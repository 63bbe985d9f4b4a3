import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { processNextIncomingMail, type MailWork } from '../src/modules/mail-intake/incoming-mail-queue.js';
import { claimNextIncomingMail, finishAndClaimNextIncomingMail, storeIncomingMail } from '../src/modules/mail-intake/incoming-mail-repository.js';
import { createTestApp, type TestApp } from './helper.js';

let t: TestApp;
const db = () => t.database.db as Db;
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  t = await createTestApp();
  await t.app.mailQueue.stop(); // this test runs the queue's steps itself
}, 60_000);
afterAll(async () => t?.close());

/** A connection error as node-postgres reports it (SQLSTATE 08006), and one as a socket error under a wrapper. */
const connectionLost = () => Object.assign(new Error('Connection terminated unexpectedly'), { code: '08006' });
const socketReset = () => new Error('query failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });

async function stored() {
  const messageId = `<retry-${randomUUID()}@client.test>`;
  await storeIncomingMail(db(), Buffer.from(`From: a@example.test\r\nMessage-ID: ${messageId}\r\nSubject: hi\r\n\r\nhello\r\n`), { from: 'a@example.test', to: ['marketplace@marketplace.test'] });
  return messageId;
}
const row = (messageId: string) => db().selectFrom('incoming_mail').select(['state', 'outcome', 'reason', 'attempts', 'retries', 'lease_until']).where('message_id', '=', messageId).executeTakeFirstOrThrow();

describe('a failure while processing incoming mail', () => {
  it('a lost database connection gives the message back with a backoff, and it is processed once the database answers again', async () => {
    const messageId = await stored();
    let calls = 0;
    const work: MailWork = { db: db(), dataDir: t.app.config.dataDir, logger, handle: async () => (++calls <= 2 ? Promise.reject(calls === 1 ? connectionLost() : socketReset()) : { outcome: 'answered' }) };

    expect(await processNextIncomingMail(work)).toBe(true);
    const first = await row(messageId);
    expect(first).toMatchObject({ state: 'stored', outcome: null, reason: null, attempts: 0, retries: 1 });
    // not before its backoff (about 1–2 s for the first retry)
    expect(new Date(first.lease_until!).getTime()).toBeGreaterThan(Date.now() + 500);
    expect(await processNextIncomingMail(work)).toBe(false);

    await db().updateTable('incoming_mail').set({ lease_until: new Date(Date.now() - 1) }).where('message_id', '=', messageId).execute();
    expect(await processNextIncomingMail(work)).toBe(true);
    const second = await row(messageId);
    expect(second).toMatchObject({ state: 'stored', retries: 2 });
    // the backoff grows
    expect(new Date(second.lease_until!).getTime() - Date.now()).toBeGreaterThan(1_500);

    await db().updateTable('incoming_mail').set({ lease_until: new Date(Date.now() - 1) }).where('message_id', '=', messageId).execute();
    expect(await processNextIncomingMail(work)).toBe(true);
    expect(await row(messageId)).toMatchObject({ state: 'done', outcome: 'answered', attempts: 1 });
    expect(calls).toBe(3);
  });

  it('an error about the message itself quarantines it at once, with the reason', async () => {
    const messageId = await stored();
    const work: MailWork = { db: db(), dataDir: t.app.config.dataDir, logger, handle: () => Promise.reject(Object.assign(new Error('Its MIME structure was refused: too deep'), { code: 'TOO_LARGE' })) };
    expect(await processNextIncomingMail(work)).toBe(true);
    expect(await row(messageId)).toMatchObject({ state: 'quarantined', outcome: 'quarantined', reason: 'TOO_LARGE: Its MIME structure was refused: too deep', retries: 0 });
    expect(await processNextIncomingMail(work)).toBe(false);
  });

  it('the outcome recorded with the claim of the next message finishes one and hands out the other, each once', async () => {
    const first = await stored();
    const second = await stored();
    const claimed = await claimNextIncomingMail(db());
    expect(claimed?.message_id).toBe(first);
    const next = await finishAndClaimNextIncomingMail(db(), first, { outcome: 'answered' });
    expect(next?.message_id).toBe(second);
    expect(await row(first)).toMatchObject({ state: 'done', outcome: 'answered', attempts: 1 });
    expect(await row(second)).toMatchObject({ state: 'processing', outcome: null, attempts: 1 });
    // the finished message is never claimed again, and the held one is nobody else's
    expect(await finishAndClaimNextIncomingMail(db(), second, { outcome: 'ignored:auto-reply' })).toBeUndefined();
    expect(await row(second)).toMatchObject({ state: 'done', outcome: 'ignored:auto-reply' });
    expect(await claimNextIncomingMail(db())).toBeUndefined();
  });
});
