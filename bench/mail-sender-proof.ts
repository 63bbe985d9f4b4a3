/**
 * What proving the sender costs per incoming mail. In one run, over real SMTP into the mail hub:
 * p50 of the whole ingest (store by Message-ID, classify, parse, prove, converse, answer) for mail
 * sent to the conversations' issued reply addresses, against p50 of the sender proof alone on the
 * same mails (proveSender: the confirmation and +token lookups), and the DKIM check (mailauth,
 * in-memory DNS table) on a signed copy, for MAIL_VERIFY_AUTH=true. Goal: the proof adds ≤ 5 ms p50.
 *   node --import tsx bench/mail-sender-proof.ts   (SENDER_PROOF_BENCH_MESSAGES=100)
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { createDatabase, migrate } from '@marketplace/db';
import { startMailHub, type StoredMail } from '@marketplace/mail/hub';
import { buildApp } from '../apps/server/src/composition/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { migrations } from '../apps/server/src/composition/migrations.js';
import { handleIncomingMail } from '../apps/server/test/incoming-mail.js';
import { proveSender } from '../apps/server/src/modules/conversations/sender-confirmation.js';
import { verifySender } from '../apps/server/src/modules/mail-intake/verify-sender.js';

const messages = Number(process.env.SENDER_PROOF_BENCH_MESSAGES ?? 100);
const MARKETPLACE = 'marketplace@marketplace.test';
const SENDER = 'ana.user@example.test';
const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// The DKIM check first, before the server's modules are loaded into this process.
const domain = SENDER.split('@')[1]!;
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dnsTxt = `v=DKIM1; k=rsa; p=${keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
const resolver = async (name: string, type: string) => {
  if (type === 'TXT' && name === `mp._domainkey.${domain}`) return [[dnsTxt]];
  throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
};
const dkimMs: number[] = [];
for (let i = 0; i < messages; i++) {
  const raw = Buffer.from(`From: ${SENDER}\r\nTo: ${MARKETPLACE}\r\nSubject: signed ${i}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <dkim-${i}@example.test>\r\n\r\nI need a form for visitor badges\r\n`);
  const signature = await dkimSign(raw, { signatureData: [{ signingDomain: domain, selector: 'mp', privateKey: keys.privateKey.export({ type: 'pkcs1', format: 'pem' }) }] } as never);
  const signed = Buffer.concat([Buffer.from(signature.signatures), raw]);
  const start = performance.now();
  const verdict = await verifySender(signed, SENDER, resolver);
  dkimMs.push(performance.now() - start);
  if (!verdict.ok) throw new Error(verdict.reason);
}

const dataDir = await mkdtemp(join(tmpdir(), 'sender-proof-'));
const ingestMs: number[] = [];
const ingest: { services?: Parameters<typeof handleIncomingMail>[0] } = {};
const hub = await startMailHub({
  dataDir,
  port: 0,
  onStored: async (info: StoredMail) => {
    for (const delivery of info.deliveries) {
      if (!delivery.recipient.startsWith('marketplace')) continue;
      const raw = await readFile(delivery.path);
      const start = performance.now();
      await handleIncomingMail(ingest.services!, raw, { from: info.envelopeFrom, to: [delivery.recipient] });
      ingestMs.push(performance.now() - start);
    }
  },
});
const database = await createDatabase({ memory: true });
await migrate(database as any, migrations);
const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', LOG_LEVEL: 'silent', DATA_DIR: dataDir, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(hub.port), SMTP_FROM: MARKETPLACE, MAIL_SENDER_LIMIT_PER_HOUR: '10000' });
const app = await buildApp({ config, database: database as any });
await app.ready();
ingest.services = app.conversationServices;
const registered = await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'Bench', name: 'Ana', email: SENDER, password: 'correct horse battery staple' } });
if (registered.statusCode !== 201) throw new Error(registered.body);
const { token, user } = registered.json();

// One conversation per message, started on the web: each mail is a reply to its issued address.
const tokens: string[] = [];
for (let i = 0; i < messages; i++) {
  const turn = await app.inject({ method: 'POST', url: '/api/v1/conversations', headers: { authorization: `Bearer ${token}` }, payload: { text: `I need a form for request ${i}` } });
  const row = await (database.db as any).selectFrom('conversations').select('mail_token').where('id', '=', turn.json().id).executeTakeFirstOrThrow();
  tokens.push(row.mail_token);
}

const transport = nodemailer.createTransport({ host: '127.0.0.1', port: hub.port, secure: false, ignoreTLS: true });
for (let i = 0; i < messages; i++) {
  const before = ingestMs.length;
  await transport.sendMail({ from: SENDER, to: `marketplace+${tokens[i]}@marketplace.test`, subject: `Re: request ${i}`, messageId: `<proof-${i}-${randomUUID()}@example.test>`, text: 'fields: name, date' });
  while (ingestMs.length === before) await new Promise((r) => setTimeout(r, 2));
}
transport.close();

const proofMs: number[] = [];
for (const mailToken of tokens) {
  const start = performance.now();
  const proof = await proveSender(app.conversationServices, { token: mailToken, sender: SENDER, userIds: [user.id], dkimPassed: false });
  proofMs.push(performance.now() - start);
  if (proof.kind !== 'proven') throw new Error(`expected proven, got ${proof.kind}`);
}

const full = p50(ingestMs);
const proof = p50(proofMs);
console.log(`${messages} replies over SMTP to issued +token addresses (one conversation each), same run`);
console.log(`ingest p50 (whole handleIncomingMail, proof included): ${full.toFixed(2)} ms`);
console.log(`ingest p50 without the proof (whole − proof p50): ${(full - proof).toFixed(2)} ms`);
console.log(`sender proof p50 (+token / confirmation lookups): ${proof.toFixed(2)} ms  → adds ${proof.toFixed(2)} ms (goal ≤ 5 ms)`);
console.log(`DKIM check p50 (MAIL_VERIFY_AUTH=true, mailauth, in-memory DNS): ${p50(dkimMs).toFixed(2)} ms`);
await app.close();
await hub.close();
await database.close();
await rm(dataDir, { recursive: true, force: true });
