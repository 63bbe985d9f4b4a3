import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@marketplace/db';
import { freePort } from '@marketplace/mail/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Db } from '../src/db/schema.js';
import { verifyAudit } from '../src/modules/audit/audit-repository.js';
import { requireBinary } from './system-binary.js';

const smtpSource = requireBinary('smtp-source', 'postfix');
const SENDER = 'blaster@outside.test';
const MARKETPLACE = 'marketplace@marketplace.test';
const TOTAL = 3000;
const children: ChildProcess[] = [];
let work: string | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (work) await rm(work, { recursive: true, force: true });
});

function startServerProcess(dataDir: string, smtpPort: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'mail-blast-server.ts'), dataDir, String(smtpPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
}

/**
 * smtp-source, one message per session, 10 at once; resolves with the number of messages answered
 * 250 (counted from its -v dialogue: its -c counter counts a message before the answer arrives).
 */
function blast(port: number, count: number, onCount: (acked: number) => void = () => {}, from = SENDER): Promise<number> {
  const child = spawn(smtpSource!, ['-v', '-s', '10', '-m', String(count), '-l', '2048', '-f', from, '-t', MARKETPLACE, `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let acked = 0;
  let rest = '';
  const read = (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    acked += lines.filter((line) => line.includes('<<< 250 2.0.0 stored')).length;
    onCount(acked);
  };
  child.stdout!.on('data', () => {});
  child.stderr!.on('data', read);
  return new Promise((resolve) => child.once('close', () => resolve(acked + (rest.includes('<<< 250 2.0.0 stored') ? 1 : 0))));
}

/** Blasts `count` messages and kills the server (-9) once 600 were answered 250: resolves with how many were, 600 or more and fewer than `count`. */
async function blastKilledAt600(server: ChildProcess, port: number, count: number, from = SENDER): Promise<number> {
  const alive = () => server.exitCode === null && server.signalCode === null;
  const acked = await blast(port, count, (n) => {
    if (n >= 600 && alive()) server.kill('SIGKILL');
  }, from);
  await new Promise((resolve) => (alive() ? server.once('exit', resolve) : resolve(null)));
  expect(acked).toBeGreaterThanOrEqual(600);
  expect(acked).toBeLessThan(count);
  return acked;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

describe('kill -9 of the server during a blast of incoming mail', () => {
  it.skipIf(!smtpSource)(`loses no acknowledged mail of ${TOTAL}, processes each once with its real sender, and leaves no claim stuck`, async () => {
    work = await mkdtemp(join(tmpdir(), 'mail-blast-'));
    const dataDir = join(work, 'data');
    const port = await freePort();
    const first = await startServerProcess(dataDir, port);
    // kill -9 in the middle of the blast, while mail is arriving, being recorded and processed
    const firstAcked = await blastKilledAt600(first.child, port, TOTAL);

    const second = await startServerProcess(dataDir, port);
    const restartedAt = Date.now();
    // the client sends again what it saw no 250 for
    const secondAcked = await blast(port, TOTAL - firstAcked);
    expect(secondAcked).toBe(TOTAL - firstAcked);
    // no stuck claim: within a minute of the restart everything has its outcome
    for (;;) {
      const waiting = await metric(second.url, 'mail_incoming_queue_depth');
      if (waiting === 0) break;
      expect(Date.now() - restartedAt).toBeLessThan(60_000 + 120_000); // the second blast itself + one minute
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await metric(second.url, 'mail_incoming_outcomes{')).toBeGreaterThanOrEqual(TOTAL);
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));

    const database = await createDatabase({ dataDir });
    try {
      const rows = await (database.db as Db).selectFrom('incoming_mail').select(['message_id', 'state', 'outcome', 'envelope_from', 'attempts']).execute();
      // every acknowledged message is stored (a few more may be: stored, then killed before the 250 went out)
      expect(rows.length).toBeGreaterThanOrEqual(TOTAL);
      expect(rows.filter((r) => r.state !== 'done')).toEqual([]);
      expect(rows.filter((r) => r.envelope_from !== SENDER)).toEqual([]);
      // processed as mail from its real sender (an empty sender would have made it a bounce)
      expect(rows.filter((r) => !r.outcome!.startsWith('unknown-sender:'))).toEqual([]);
      expect(rows.filter((r) => r.attempts > 2)).toEqual([]);
      const mailbox = join(dataDir, 'mail', MARKETPLACE);
      expect(await readdir(join(mailbox, 'new'))).toEqual([]);
      expect((await readdir(join(mailbox, 'cur'))).length).toBe(rows.length);
    } finally {
      await database.close();
    }
  }, 600_000);

  it.skipIf(!smtpSource)('a flood over the sender limit, killed -9 while its outcomes are worked off in batches: each message ends once, audited once, with one analysis', async () => {
    const FLOOD = 1200;
    const FLOODER = 'flood@outside.test';
    work ??= await mkdtemp(join(tmpdir(), 'mail-blast-'));
    const dataDir = join(work, 'flood-data');
    const port = await freePort();
    const first = await startServerProcess(dataDir, port);
    // the sender has an account: after MAIL_SENDER_LIMIT_PER_HOUR mails, each is only recorded (rate-limited, audited, analysed unread)
    const registered = await fetch(`${first.url}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organization: 'Flood Org', name: 'Flo', email: FLOODER, password: 'correct horse battery staple' }) });
    expect(registered.status).toBe(201);
    // kill -9 while the flood arrives and its backlog is worked off (batches claimed, outcomes held for their
    // batch's write): processing keeps pace with the listener, so the kill comes in the middle of the blast
    const firstAcked = await blastKilledAt600(first.child, port, FLOOD, FLOODER);

    const second = await startServerProcess(dataDir, port);
    const restartedAt = Date.now();
    // the client sends again what it saw no 250 for
    expect(await blast(port, FLOOD - firstAcked, undefined, FLOODER)).toBe(FLOOD - firstAcked);
    // (the gauges are a snapshot of the database, kept a moment: wait until every message has its outcome)
    while ((await metric(second.url, 'mail_incoming_queue_depth')) > 0 || (await metric(second.url, 'mail_incoming_outcomes{')) < FLOOD) {
      expect(Date.now() - restartedAt).toBeLessThan(180_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));

    const database = await createDatabase({ dataDir });
    try {
      const db = database.db as Db;
      const rows = await db.selectFrom('incoming_mail').select(['id', 'message_id', 'state', 'outcome', 'attempts']).execute();
      // every acknowledged message is stored (a few more may be: stored, then killed before the 250 went out)
      expect(rows.length).toBeGreaterThanOrEqual(FLOOD);
      expect(rows.filter((r) => r.state !== 'done')).toEqual([]);
      const limited = rows.filter((r) => r.outcome === 'rate-limited');
      expect(limited.length).toBeGreaterThan(FLOOD - 50);
      // the kill hit claimed mail: some was taken over after its claim ran out
      expect(rows.some((r) => r.attempts >= 2)).toBe(true);
      const audits = await db.selectFrom('audit_log').select(['target_id']).where('action', '=', 'mail.refused').where(sql<boolean>`details->>'code' = 'rate-limited'`).execute();
      const auditedIds = audits.map((a) => a.target_id).sort();
      expect(auditedIds).toEqual(limited.map((r) => r.message_id).sort());
      const analyses = await db.selectFrom('mail_analyses').select(['incoming_mail_id', 'route']).where('route', '=', 'rate-limited').execute();
      expect(analyses.map((a) => a.incoming_mail_id).sort()).toEqual(limited.map((r) => r.id).sort());
      const chains = await db.selectFrom('audit_heads').select('chain').execute();
      for (const { chain } of chains) if (chain !== 'system') expect((await verifyAudit(db, chain.slice('org:'.length))).ok).toBe(true);
    } finally {
      await database.close();
    }
  }, 600_000);
});
