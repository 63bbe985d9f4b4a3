/**
 * Conversations by mail: messages per second accepted over SMTP, stored, threaded into a
 * conversation and answered (handleIncomingMail wired to the embedded hub's onStored, answers
 * sent back through the hub), against the hub alone storing the same messages in the same run.
 * Sent by nodemailer over pooled SMTP connections (a real client) to reply addresses the server issued
 * (proven senders); every message must end up processed exactly once: 0 lost.
 *   node --import tsx bench/conversations-mail.ts   (CONV_MAIL_BENCH_MESSAGES=200, CONV_MAIL_BENCH_CONCURRENCY=4)
 */
import { randomUUID } from 'node:crypto';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { createDatabase, migrate } from '@marketplace/db';
import { startMailHub, type StoredMail } from '@marketplace/mail/hub';
import { buildApp } from '../apps/server/src/composition/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { migrations } from '../apps/server/src/composition/migrations.js';
import type { Db } from '../apps/server/src/db/schema.js';
import { handleIncomingMail } from '../apps/server/test/incoming-mail.js';

const messages = Number(process.env.CONV_MAIL_BENCH_MESSAGES ?? 200);
const concurrency = Number(process.env.CONV_MAIL_BENCH_CONCURRENCY ?? 4);
const MARKETPLACE = 'marketplace@marketplace.test';
const SENDER = 'ana.user@example.test';
const TEXTS = ['I need a form for vacation requests', 'Every Monday at 8 email me new issues from https://example.com/feed.rss', 'I need a REST API to track laptops: serial, owner email, status'];

/** Reply addresses the server issued (one conversation each): mail to them comes from a proven sender. Empty: the plain address. */
const replyTokens: string[] = [];

async function send(port: number, count: number): Promise<number> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, pool: true, maxConnections: concurrency, maxMessages: Infinity });
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        await transport.sendMail({ from: SENDER, to: replyTokens[i] ? `marketplace+${replyTokens[i]}@marketplace.test` : MARKETPLACE, subject: `Request ${i}`, messageId: `<bench-${i}-${randomUUID()}@example.test>`, text: TEXTS[i % TEXTS.length] });
      }
    }),
  );
  transport.close();
  return performance.now() - start;
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 120_000) {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Baseline: the hub alone (accepted + fsync'd to a Maildir).
const baseDir = await mkdtemp(join(tmpdir(), 'conv-mail-base-'));
let stored = 0;
const baseHub = await startMailHub({ dataDir: baseDir, port: 0, onStored: () => void stored++ });
const baseMs = await send(baseHub.port, messages);
await waitUntil(() => stored >= messages);
await baseHub.close();

// Full path: hub → handleIncomingMail (store by Message-ID, classify, thread, converse, answer by mail).
const dataDir = await mkdtemp(join(tmpdir(), 'conv-mail-'));
const outcomes: string[] = [];
const ingest: { services?: Parameters<typeof handleIncomingMail>[0] } = {};
const hub = await startMailHub({
  dataDir,
  port: 0,
  onStored: async (info: StoredMail) => {
    for (const delivery of info.deliveries) {
      if (delivery.recipient.startsWith('marketplace')) outcomes.push((await handleIncomingMail(ingest.services!, await readFile(delivery.path), { from: info.envelopeFrom, to: [delivery.recipient] })).outcome);
    }
  },
});
const database = await createDatabase({ memory: true });
await migrate(database as any, migrations);
const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', LOG_LEVEL: 'silent', DATA_DIR: dataDir, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(hub.port), SMTP_FROM: MARKETPLACE, MAIL_SENDER_LIMIT_PER_HOUR: '10000' });
const app = await buildApp({ config, database: database as any });
await app.ready();
ingest.services = app.conversationServices;
const registered = await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'Bench', name: 'Ana', email: SENDER, password: 'correct horse battery staple' } });
if (registered.statusCode !== 201) throw new Error(registered.body);
// A first plain mail waits for its sender's confirmation: the bench writes to reply addresses of conversations started on the web.
for (let i = 0; i < messages; i++) {
  const turn = await app.inject({ method: 'POST', url: '/api/v1/conversations', headers: { authorization: `Bearer ${registered.json().token}` }, payload: { text: TEXTS[i % TEXTS.length] } });
  replyTokens.push((await (database.db as Db).selectFrom('conversations').select('mail_token').where('id', '=', turn.json().id).executeTakeFirstOrThrow()).mail_token);
}

const start = performance.now();
const sendMs = await send(hub.port, messages);
await waitUntil(() => outcomes.length >= messages);
const fullMs = performance.now() - start;
const db = database.db as Db;
const rows = await db.selectFrom('incoming_mail').select(['state', 'outcome']).execute();
const answered = rows.filter((r) => r.state === 'done' && r.outcome === 'answered').length;
const conversations = (await db.selectFrom('conversations').select('id').execute()).length;

console.log(`${messages} messages, ${concurrency} pooled SMTP connections (nodemailer), fsync'd Maildir`);
console.log(`hub alone (accepted + stored): ${((messages / baseMs) * 1000).toFixed(0)} messages/s`);
console.log(`hub + conversation ingest (stored by Message-ID, threaded, answered by mail): ${((messages / fullMs) * 1000).toFixed(0)} messages/s (SMTP accept phase ${((messages / sendMs) * 1000).toFixed(0)}/s)`);
console.log(`ratio ingest / hub alone: ${(baseMs / fullMs).toFixed(3)}`);
console.log(`stored ${rows.length}, answered ${answered}, conversations ${conversations}, lost ${messages - answered}`);
await app.close();
await hub.close();
await database.close();
await rm(baseDir, { recursive: true, force: true });
await rm(dataDir, { recursive: true, force: true });
