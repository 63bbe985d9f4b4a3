import { randomUUID } from 'node:crypto';
import { describeEachDialect } from '@marketplace/db/testing';
import { migrate } from '@marketplace/db';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrations } from '../src/composition/migrations.js';
import type { Db } from '../src/db/schema.js';
import { decideIncomingMail } from '../src/modules/conversations/mail-conversations.js';
import { claimIncomingMailBatch, claimNextIncomingMail, storeIncomingMail } from '../src/modules/mail-intake/incoming-mail-repository.js';
import { processIncomingMailBatch, type MailWork } from '../src/modules/mail-intake/incoming-mail-queue.js';
import { createTestApp, register, type Account, type TestApp } from './helper.js';

/**
 * The mail queue's statements whose plans the database chooses (decision 0074), on both databases:
 * MAIL_SENDER_LIMIT_PER_HOUR (a message is refused as `rate-limited` when its envelope sender has more
 * than the limit of mails, itself included, received in the last hour — whatever waits behind it,
 * however large the flood, and only that sender's mail of that hour), and the claims' order.
 */
describeEachDialect('the mail queue over a flood', (getDatabase) => {
  const LIMIT = 3;
  let t: TestApp;
  let sender: Account;
  const db = () => getDatabase().db as Db;

  beforeAll(async () => {
    const database = getDatabase();
    await migrate(database, migrations);
    t = await createTestApp({ database, env: { MAIL_SENDER_LIMIT_PER_HOUR: String(LIMIT) } });
    await t.app.mailQueue.stop(); // the test runs the queue's steps itself
    sender = await register(t.app, { organization: 'Flood Org' });
  });
  afterAll(async () => t?.close());

  const work = (): MailWork => ({ db: db(), dataDir: t.app.config.dataDir, logger: pino({ level: 'silent' }), handle: (row, raw) => decideIncomingMail(t.app.conversationServices, row, raw) });
  /** Stores one message From `from` (envelope sender `envelopeFrom`), received at `receivedAt`. */
  const store = async (from: string, envelopeFrom = from, receivedAt?: Date) => {
    const messageId = `<flood-${randomUUID()}@client.test>`;
    const raw = Buffer.from(`From: ${from}\r\nTo: marketplace@marketplace.test\r\nMessage-ID: ${messageId}\r\nSubject: please\r\n\r\nA form for rooms, please.\r\n`);
    await storeIncomingMail(db(), raw, { from: envelopeFrom, to: ['marketplace@marketplace.test'], ...(receivedAt ? { receivedAt } : {}) });
    return messageId;
  };
  /** Claims and works off everything waiting, in batches, as the queue does. */
  const workOff = async () => {
    let rows;
    while ((rows = await claimIncomingMailBatch(db(), 16)).length) await processIncomingMailBatch(work(), rows);
  };
  const outcomes = async (ids: string[]) => {
    const rows = await db().selectFrom('incoming_mail').select(['message_id', 'outcome']).where('message_id', 'in', ids).execute();
    return ids.map((id) => rows.find((row) => row.message_id === id)?.outcome);
  };
  /** 'limited' (refused as rate-limited), 'read' (past the limit check: the unproven sender is asked to confirm), or the outcome itself. */
  const verdicts = async (ids: string[]) => (await outcomes(ids)).map((outcome) => (outcome === 'rate-limited' ? 'limited' : outcome?.startsWith('refused:unproven-sender:') ? 'read' : outcome));
  /** Older mail of the sender is finished: it no longer waits, but still counts while it is in the hour. */
  const finishAll = () => db().updateTable('incoming_mail').set({ state: 'done', outcome: 'answered', lease_until: null }).where('state', 'in', ['stored', 'processing']).execute();

  it('mail arriving one by one: up to the limit in the hour is read, each one past it is refused; mail older than the hour and other senders do not count', async () => {
    const address = sender.email;
    // two of this sender's mails 61 minutes ago (outside the hour), and another envelope sender's recent mail from the same From
    await store(address, address, new Date(Date.now() - 61 * 60_000));
    await store(address, address, new Date(Date.now() - 61 * 60_000));
    await store(address, 'bounces-1234@list.example.test');
    await finishAll();

    const ids: string[] = [];
    for (let i = 0; i < LIMIT + 3; i++) {
      ids.push(await store(address));
      await workOff();
    }
    // 1st..3rd: 1..3 mails in the hour (read: the unproven sender is asked to confirm); 4th..6th: more than 3
    expect(await verdicts(ids)).toEqual(['read', 'read', 'read', 'limited', 'limited', 'limited']);
  });

  it('a flood stored before any of it is worked off: every message of it is refused (the waiting ones count), another sender in between is not', async () => {
    const other = await register(t.app, { organization: 'Quiet Org' });
    const flood: string[] = [];
    const quiet: string[] = [];
    for (let i = 0; i < 60; i++) {
      flood.push(await store(sender.email));
      if (i % 20 === 0) quiet.push(await store(other.email));
    }
    await workOff();
    expect(await verdicts(flood)).toEqual(flood.map(() => 'limited'));
    expect(await verdicts(quiet)).toEqual(['read', 'read', 'read']);
  });

  it('exactly at the limit: the limit-th mail of the hour is read, the next one is refused', async () => {
    const fresh = await register(t.app, { organization: 'Edge Org' });
    // the limit less one already in the hour (finished), 59 minutes ago
    for (let i = 0; i < LIMIT - 1; i++) await store(fresh.email, fresh.email, new Date(Date.now() - 59 * 60_000));
    await finishAll();
    const atLimit = await store(fresh.email);
    await workOff();
    const over = await store(fresh.email);
    await workOff();
    expect(await verdicts([atLimit, over])).toEqual(['read', 'limited']);
  });

  it('claims take the oldest waiting mail by when it was received (a run-out claim first, alone), not by when its row was written', async () => {
    await finishAll();
    const base = Date.now() - 30 * 60_000;
    const written: { id: string; at: number }[] = [];
    for (let i = 0; i < 40; i++) {
      const at = base + (i % 2 ? 40 - i : i) * 1_000; // rows written out of order
      written.push({ id: await store(`order-${i}@example.test`, `order-${i}@example.test`, new Date(at)), at });
    }
    const oldestFirst = [...written].sort((a, b) => a.at - b.at).map((w) => w.id);
    expect((await claimIncomingMailBatch(db(), 16)).map((row) => row.message_id)).toEqual(oldestFirst.slice(0, 16));
    expect((await claimNextIncomingMail(db()))?.message_id).toBe(oldestFirst[16]);
    await db().updateTable('incoming_mail').set({ lease_until: new Date(Date.now() - 1) }).where('message_id', '=', oldestFirst[3]!).execute();
    expect((await claimIncomingMailBatch(db(), 16)).map((row) => row.message_id)).toEqual([oldestFirst[3]]);
    expect((await claimIncomingMailBatch(db(), 16)).map((row) => row.message_id)).toEqual(oldestFirst.slice(17, 33));
    expect((await claimIncomingMailBatch(db(), 16)).map((row) => row.message_id)).toEqual(oldestFirst.slice(33));
  });
});
