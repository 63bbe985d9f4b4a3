/**
 * The inbound mail pipeline on the labelled set (apps/server/test/mail-corpus.ts, 64 EN/PL mails):
 *   1. classification accuracy per label and app attribution, built-in engine;
 *   2. throughput: the same mails processed by the intake chain with the pipeline against without it
 *      (bare ingest: trust rules, conversation turns), rounds alternating, with each stage's p50;
 *   3. rspamd (when installed): the spam stage's p50 through a real rspamd against the built-in rules,
 *      alternating, and the difference (target: at most 20 ms added).
 *   node --import tsx bench/mail-classification.ts   (MAIL_BENCH_ROUNDS=2)
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Db } from '../apps/server/src/db/schema.js';
import { handleIncomingMail } from '../apps/server/test/incoming-mail.js';
import { createMailPipeline, type MailPipeline } from '../apps/server/src/modules/mail-processing/mail-pipeline.js';
import { createTestApp } from '../apps/server/test/helper.js';
import { CORPUS } from '../apps/server/test/mail-corpus.js';
import { corpusMessage, labelOf, MARKETPLACE, setupPipelineOrg } from '../apps/server/test/mail-pipeline-org.js';
import { startRspamd } from '../apps/server/test/rspamd-server.js';

const rounds = Number(process.env.MAIL_BENCH_ROUNDS ?? 2);
const p50 = (values: number[]) => (values.length ? [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]! : NaN);
const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

const t = await createTestApp({ env: { SMTP_FROM: MARKETPLACE, MAIL_SENDER_LIMIT_PER_HOUR: '10000', LOG_LEVEL: 'warn' } });
const db = t.database.db as Db;
const org = await setupPipelineOrg(t.app, db);
const services = t.app.conversationServices;
const builtinPipeline = services.mailPipeline!;
let run = 0;

/** Processes every corpus mail once with `pipeline` (undefined: bare ingest); answers wall time and the Message-IDs. */
async function processCorpus(pipeline: MailPipeline | undefined): Promise<{ ms: number; ids: string[] }> {
  services.mailPipeline = pipeline;
  const runId = `r${run++}`;
  const messages = CORPUS.map((mail) => corpusMessage(mail, org, runId));
  const started = performance.now();
  for (const message of messages) await handleIncomingMail(services, message.raw, { from: message.from, to: [message.to] });
  return { ms: performance.now() - started, ids: messages.map((m) => m.messageId) };
}

async function analysesOf(ids: string[]) {
  return db.selectFrom('mail_analyses').selectAll().where('message_id', 'in', ids).execute();
}

// 1. accuracy
const first = await processCorpus(builtinPipeline);
const analyses = new Map((await analysesOf(first.ids)).map((a) => [a.message_id, a]));
const names = Object.fromEntries(Object.entries(org.apps).map(([name, id]) => [id, name]));
const perLabel = new Map<string, { right: number; total: number }>();
let right = 0;
let appRight = 0;
let appTotal = 0;
const misses: string[] = [];
CORPUS.forEach((mail, i) => {
  const analysis = analyses.get(first.ids[i]!);
  const label = analysis ? labelOf(analysis) : 'none';
  const entry = perLabel.get(mail.label) ?? { right: 0, total: 0 };
  entry.total += 1;
  if (label === mail.label) {
    entry.right += 1;
    right += 1;
  } else misses.push(`${mail.id}: ${label}`);
  perLabel.set(mail.label, entry);
  if (mail.app) {
    appTotal += 1;
    if (analysis?.app_id && names[analysis.app_id] === mail.app) appRight += 1;
  }
});
console.log(`\nInbound pipeline, built-in engine, ${CORPUS.length} labelled mails (EN ${CORPUS.filter((m) => m.lang === 'en').length}, PL ${CORPUS.filter((m) => m.lang === 'pl').length})`);
console.table([...perLabel].map(([label, v]) => ({ label, right: v.right, total: v.total, accuracy: `${fixed((100 * v.right) / v.total, 0)} %` })));
console.log(`classification: ${right}/${CORPUS.length} = ${fixed((100 * right) / CORPUS.length)} %   app attribution: ${appRight}/${appTotal} = ${fixed((100 * appRight) / appTotal)} %`);
if (misses.length) console.log(`missed: ${misses.join(', ')}`);

// 2. throughput, alternating bare ingest and the pipeline
const bare: number[] = [];
const piped: number[] = [];
const stageTimes = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) {
  bare.push((await processCorpus(undefined)).ms);
  const withPipeline = await processCorpus(builtinPipeline);
  piped.push(withPipeline.ms);
  for (const a of await analysesOf(withPipeline.ids)) {
    for (const [stage, record] of Object.entries(a.stages)) stageTimes.set(stage, [...(stageTimes.get(stage) ?? []), record.ms]);
  }
}
const rate = (ms: number) => (CORPUS.length * 1000) / ms;
console.log(`\nThroughput (${rounds} alternating rounds of ${CORPUS.length} mails each, p50 round):`);
console.table([
  { path: 'bare ingest (trust rules, conversation turns)', 'messages/s': fixed(rate(p50(bare))) },
  { path: 'with the pipeline (built-in engine)', 'messages/s': fixed(rate(p50(piped))) },
]);
console.log(`pipeline overhead: ${fixed((p50(piped) - p50(bare)) / CORPUS.length, 2)} ms per message`);
console.table([...stageTimes].map(([stage, ms]) => ({ stage, 'p50 ms': fixed(p50(ms), 2), 'max ms': fixed(Math.max(...ms), 2) })));

// 3. rspamd's added p50 on the spam stage
let rspamdBinary: string | undefined;
try {
  rspamdBinary = execFileSync('sh', ['-c', 'command -v rspamd'], { encoding: 'utf8' }).trim() || undefined;
} catch {
  rspamdBinary = undefined;
}
if (!rspamdBinary) {
  console.log('\nrspamd is not installed (Debian package rspamd; scripts/install-system-deps.sh): its added p50 was not measured.');
} else {
  const rspamd = await startRspamd(rspamdBinary);
  try {
    const rspamdPipeline = createMailPipeline({ db, config: { ...t.app.config, rspamdUrl: rspamd.url }, llm: services.llm, events: services.events, logger: services.logger });
    const spamMs = { builtin: [] as number[], rspamd: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      for (const [engine, pipeline] of [['builtin', builtinPipeline], ['rspamd', rspamdPipeline]] as const) {
        const { ids } = await processCorpus(pipeline);
        for (const a of await analysesOf(ids)) if (a.stages.spam?.engine === engine) spamMs[engine].push(a.stages.spam.ms);
      }
    }
    const added = p50(spamMs.rspamd) - p50(spamMs.builtin);
    console.log(`\nSpam stage p50: built-in ${fixed(p50(spamMs.builtin), 2)} ms, rspamd ${fixed(p50(spamMs.rspamd), 2)} ms (${spamMs.rspamd.length} scored): rspamd adds ${fixed(added, 2)} ms p50 (target ≤ 20 ms) ${added <= 20 ? 'OK' : 'OVER'}`);
  } finally {
    await rspamd.close();
  }
}
services.mailPipeline = builtinPipeline;
await t.close();
