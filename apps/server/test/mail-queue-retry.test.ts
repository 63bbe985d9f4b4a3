import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { processClaimedIncomingMail, processIncomingMailBatch, processNextIncomingMail, type MailWork } from '../src/modules/mail-intake/incoming-mail-queue.js';
import { claimIncomingMailBatch, claimNextIncomingMail, recordRows, storeIncomingMail, type IncomingMailRow, type MailOutcome } from '../src/modules/mail-intake/incoming-mail-repository.js';
import { saveAnalyses, type NewAnalysis } from '../src/modules/mail-processing/mail-processing-repository.js';
import { mailRefusalEvent } from '../src/modules/conversations/sender-confirmation.js';
import { verifyAudit } from '../src/modules/audit/audit-repository.js';
import { createTestApp, register, type TestApp } from './helper.js';

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

/**
 * received_at has PGlite's clock resolution (a millisecond): mail stored within one millisecond has no
 * order between it, so each message here is received a millisecond after the one before.
 */
let lastReceived = Date.now() - 600_000;
async function stored() {
  const messageId = `<retry-${randomUUID()}@client.test>`;
  lastReceived = Math.max(lastReceived + 1, Date.now() - 300_000);
  await storeIncomingMail(db(), Buffer.from(`From: a@example.test\r\nMessage-ID: ${messageId}\r\nSubject: hi\r\n\r\nhello\r\n`), { from: 'a@example.test', to: ['marketplace@marketplace.test'], receivedAt: new Date(lastReceived) });
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

});

describe('incoming mail claimed and recorded in batches', () => {
  /** Nothing else waits: earlier cases' mail is finished. */
  const clear = () => db().updateTable('incoming_mail').set({ state: 'done', lease_until: null }).where('state', 'in', ['stored', 'processing']).execute();
  /** What a message over the sender limit records: its outcome, an audit entry and its analysis, all written with the outcome. */
  const analysisOf = (orgId: string, record: IncomingMailRow): NewAnalysis => ({ incomingMailId: record.id, orgId, messageId: record.message_id, sender: record.envelope_from, subject: 'hi', stages: {}, classification: 'other', spam: false, language: 'und', appId: null, summary: '', route: 'rate-limited', labels: [], ruleVersion: 0 });
  const limited = (orgId: string) => async (record: IncomingMailRow): Promise<MailOutcome> => ({
    outcome: 'rate-limited',
    orgId,
    records: {
      audit: [mailRefusalEvent({ orgId, code: 'rate-limited', sender: record.envelope_from, messageId: record.message_id })],
      rows: [recordRows(saveAnalyses, [analysisOf(orgId, record)])],
    },
  });
  const audited = async (messageId: string) => (await db().selectFrom('audit_log').select('id').where('target_id', '=', messageId).where('action', '=', 'mail.refused').execute()).length;
  const analysed = async (messageId: string) => (await db().selectFrom('mail_analyses').select('id').where('message_id', '=', messageId).execute()).length;
  const anOrg = async () => (await register(t.app)).orgId;
  const expireClaims = () => db().updateTable('incoming_mail').set({ lease_until: new Date(Date.now() - 1) }).where('state', '=', 'processing').execute();

  it('a batch is claimed oldest first, once; a message whose claim ran out is taken alone, before newer mail', async () => {
    await clear();
    const ids = [await stored(), await stored(), await stored()];
    const batch = await claimIncomingMailBatch(db(), 16);
    expect(batch.map((r) => r.message_id)).toEqual(ids);
    expect(batch.every((r) => r.state === 'processing' && r.attempts === 1)).toBe(true);
    // held: nobody else gets them
    expect(await claimIncomingMailBatch(db(), 16)).toEqual([]);
    expect(await claimNextIncomingMail(db())).toBeUndefined();

    // the holder dies: newer mail arrives, and the three run-out claims are taken one at a time, oldest first
    const newer = await stored();
    await expireClaims();
    for (const id of ids) {
      const alone = await claimIncomingMailBatch(db(), 16);
      expect(alone.map((r) => r.message_id)).toEqual([id]);
      expect(alone[0]!.attempts).toBe(2);
    }
    expect((await claimIncomingMailBatch(db(), 16)).map((r) => r.message_id)).toEqual([newer]);
  });

  it('claims go by when the mail was received, not by when its row was written: a full batch of the oldest, then the rest; a retry not yet due waits', async () => {
    await clear();
    // rows written newest first (as a slow copy of an older message can be recorded after newer ones)
    const base = Date.now() - 60_000;
    const written: { id: string; at: number }[] = [];
    for (let i = 0; i < 20; i++) {
      const messageId = `<order-${randomUUID()}@client.test>`;
      const at = base + (20 - i) * 1_000;
      await storeIncomingMail(db(), Buffer.from(`From: a@example.test\r\nMessage-ID: ${messageId}\r\nSubject: hi\r\n\r\nhello\r\n`), { from: 'a@example.test', to: ['marketplace@marketplace.test'], receivedAt: new Date(at) });
      written.push({ id: messageId, at });
    }
    const oldestFirst = [...written].sort((a, b) => a.at - b.at).map((w) => w.id);
    // the second oldest was given back after a passing failure: its retry is due in a minute
    await db().updateTable('incoming_mail').set({ lease_until: new Date(Date.now() + 60_000) }).where('message_id', '=', oldestFirst[1]!).execute();
    const due = oldestFirst.filter((id) => id !== oldestFirst[1]);

    expect((await claimIncomingMailBatch(db(), 16)).map((r) => r.message_id)).toEqual(due.slice(0, 16));
    expect((await claimNextIncomingMail(db()))?.message_id).toBe(due[16]);
    // a run-out claim still goes first, alone, then the rest in order
    await db().updateTable('incoming_mail').set({ lease_until: new Date(Date.now() - 1) }).where('message_id', '=', due[5]!).execute();
    expect((await claimIncomingMailBatch(db(), 16)).map((r) => r.message_id)).toEqual([due[5]]);
    expect((await claimIncomingMailBatch(db(), 16)).map((r) => r.message_id)).toEqual(due.slice(17));
    expect(await claimIncomingMailBatch(db(), 16)).toEqual([]);
  });

  it('killed in the middle of a batch (outcomes held, not yet written): every message still ends once, audited once', async () => {
    await clear();
    const orgId = await anOrg();
    const ids = [await stored(), await stored(), await stored(), await stored()];
    const handled: string[] = [];
    const handle = async (record: IncomingMailRow) => (handled.push(record.message_id), limited(orgId)(record));
    const work: MailWork = { db: db(), dataDir: t.app.config.dataDir, logger, handle };

    // the first life: claims all four, runs two whose outcomes are held for the batch's write, then dies (nothing more happens)
    const batch = await claimIncomingMailBatch(db(), 16);
    expect(batch).toHaveLength(4);
    for (const row of batch.slice(0, 2)) expect(await processClaimedIncomingMail(work, row, { hold: true })).toMatchObject({ messageId: row.message_id, result: { outcome: 'rate-limited' } });
    for (const id of ids) expect(await row(id)).toMatchObject({ state: 'processing', outcome: null });
    for (const id of ids) expect(await audited(id)).toBe(0);

    // the next life: the run-out claims are taken over and the messages run to their outcome
    await expireClaims();
    let taken: IncomingMailRow[];
    while ((taken = await claimIncomingMailBatch(db(), 16)).length) await processIncomingMailBatch(work, taken);
    for (const id of ids) {
      expect(await row(id)).toMatchObject({ state: 'done', outcome: 'rate-limited', attempts: 2 });
      expect(await audited(id)).toBe(1);
      expect(await analysed(id)).toBe(1);
    }
    expect(handled.filter((id) => id === ids[0])).toHaveLength(2); // run twice, recorded once
    expect((await verifyAudit(db(), orgId)).ok).toBe(true);
  });

  it('a held outcome that cannot be written does not take the batch with it: it is quarantined alone, the others are recorded once', async () => {
    await clear();
    const orgId = await anOrg();
    const ids = [await stored(), await stored(), await stored()];
    // the middle message's analysis names no stored message: its write fails (a foreign key), every time
    const handle = async (record: IncomingMailRow) => {
      const outcome = await limited(orgId)(record);
      return record.message_id === ids[1] ? { ...outcome, records: { ...outcome.records, rows: [recordRows(saveAnalyses, [{ ...analysisOf(orgId, record), incomingMailId: randomUUID() }])] } } : outcome;
    };
    const work: MailWork = { db: db(), dataDir: t.app.config.dataDir, logger, handle };
    await processIncomingMailBatch(work, await claimIncomingMailBatch(db(), 16));
    for (const id of [ids[0]!, ids[2]!]) {
      expect(await row(id)).toMatchObject({ state: 'done', outcome: 'rate-limited' });
      expect(await audited(id)).toBe(1);
    }
    expect(await row(ids[1]!)).toMatchObject({ state: 'quarantined', outcome: 'quarantined', reason: expect.stringContaining('foreign key') });
    expect(await audited(ids[1]!)).toBe(0);
    expect((await verifyAudit(db(), orgId)).ok).toBe(true);
  });

  it('a batch cut short (stop) gives back what it did not start, uncounted, and writes what it did', async () => {
    await clear();
    const orgId = await anOrg();
    const ids = [await stored(), await stored(), await stored()];
    const work: MailWork = { db: db(), dataDir: t.app.config.dataDir, logger, handle: limited(orgId) };
    const batch = await claimIncomingMailBatch(db(), 16);
    // stop() came while the first message ran: the first is finished, the others are not started
    await processIncomingMailBatch(work, batch, () => false);
    expect(await row(ids[0]!)).toMatchObject({ state: 'done', outcome: 'rate-limited' });
    expect(await audited(ids[0]!)).toBe(1);
    for (const id of ids.slice(1)) expect(await row(id)).toMatchObject({ state: 'stored', outcome: null, attempts: 0, lease_until: null });
    // and they are claimed again as a batch, as new mail
    expect((await claimIncomingMailBatch(db(), 16)).map((r) => r.message_id)).toEqual(ids.slice(1));
  });
});
