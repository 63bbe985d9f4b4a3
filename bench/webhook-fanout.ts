/**
 * Webhook fan-out: events written as their writers do (a transaction recording the event in the
 * outbox, then published on the organisation event bus), relayed and delivered signed to 10
 * subscribers through the job queue (pg-boss on PGlite), against a baseline of the same signed
 * posts sent directly, without queue or database, in the same run (halves taking turns). Each
 * delivery's delay is from the start of the event's transaction to arrival at the receivers, which
 * run in their own process (bench/support/webhook-receiver.ts) and verify every signature with the
 * standardwebhooks package. Prints p50/p95 delay and throughput (deliveries per second from the
 * first event written to the last delivery arrived). Goal: 1,000 events × 10 subscribers, queued
 * p95 ≤ 1 s, every signature verified.
 *   node --import tsx bench/webhook-fanout.ts [--events 1000] [--rate 50]
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createDatabase, createJobQueue, migrate } from '@marketplace/db';
import pino from 'pino';
import { createServices } from '../apps/server/src/composition/services.js';
import { migrations } from '../apps/server/src/composition/migrations.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import type { ServerDatabase } from '../apps/server/src/db/database.js';
import type { Db } from '../apps/server/src/db/schema.js';
import { createLocalEventBus } from '../apps/server/src/modules/events/event-bus.js';
import { withEvents } from '../apps/server/src/modules/events/events-repository.js';
import { webhookDeliveryJob } from '../apps/server/src/modules/webhooks/webhook-delivery-job.js';
import { postWebhook } from '../apps/server/src/modules/webhooks/webhook-post.js';
import { signedHeaders } from '../apps/server/src/modules/webhooks/webhook-signature.js';
import { wholeNumberOption } from './alternate-runs.js';

const option = (name: string, fallback: number, max: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? wholeNumberOption(name, process.argv[at + 1], max) : fallback;
};
const EVENTS = option('events', 1000, 100_000);
const RATE = option('rate', 50, 10_000);
const SUBSCRIBERS = 10;

// Subscriptions are never disabled here: on a starved machine a run of timeouts would otherwise switch the
// receivers off mid-run, and every later event would count as missing (a production safety, not a delay).
const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', LOG_LEVEL: 'silent', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_DISABLE_AFTER_FAILURES: '0', WEBHOOK_DISABLE_AFTER_DAYS: '0' });
const logger = pino({ level: 'silent' });
const database = (await createDatabase({ memory: true })) as ServerDatabase;
await migrate(database as any, migrations);
const db = database.db as unknown as Db;
const orgId = randomUUID();
await db.insertInto('organizations').values({ id: orgId, name: 'Bench', slug: `bench-${orgId.slice(0, 8)}` }).execute();

/** Wall-clock milliseconds with fractions, comparable with the receiver process's arrival times. */
const now = () => performance.timeOrigin + performance.now();

// The receivers: their own process; every arrival comes back as (mode, subscriber, event id, time, verified).
const publishedAt = new Map<string, number>();
/** A retried delivery arrives again: only the first arrival of each (mode, subscriber, event) counts. */
const arrived = new Set<string>();
let repeats = 0;
const delays = { queued: [] as number[], direct: [] as number[] };
const lastArrival = { queued: 0, direct: 0 };
let unverified = 0;
const receiver = fork(new URL('./support/webhook-receiver.ts', import.meta.url), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
const receiverPort = await new Promise<number>((resolve, reject) => {
  receiver.once('error', reject);
  receiver.once('exit', (code) => reject(new Error(`the webhook receiver process exited (code ${code}) before listening`)));
  receiver.on('message', (message: { ready?: number; arrivals?: [string, string, string, number, boolean][] }) => {
    if (message.ready) resolve(message.ready);
    for (const [mode, subscriber, eventId, arrivedAt, verified] of message.arrivals ?? []) {
      if (!verified) unverified += 1;
      const published = publishedAt.get(eventId);
      if (published === undefined || (mode !== 'queued' && mode !== 'direct')) continue;
      const key = `${mode}/${subscriber}/${eventId}`;
      if (arrived.has(key)) {
        repeats += 1;
        continue;
      }
      arrived.add(key);
      delays[mode].push(arrivedAt - published);
      lastArrival[mode] = Math.max(lastArrival[mode], arrivedAt);
    }
  });
});
receiver.removeAllListeners('exit');
const base = `http://127.0.0.1:${receiverPort}`;

// The queue as the server makes it (2 s polling, a new job wakes its workers at once): a shorter poll
// only adds idle fetches (8 workers each) on PGlite's one connection, in the way of the deliveries.
const queue = createJobQueue(database);
queue.register(webhookDeliveryJob({ db, config, queue, logger }));
await queue.start();
const events = createLocalEventBus();
const services = createServices({ config, database, logger, jobs: queue, events });
const directTargets: { url: string; secret: string }[] = [];
for (let index = 0; index < SUBSCRIBERS; index += 1) {
  const url = `${base}/queued/${index}`;
  const { secret } = await services.webhooks.create(orgId, null, { url, description: `bench ${index}`, events: ['deployment.healthy'], format: 'standard', enabled: true });
  receiver.send({ secrets: { [`queued/${index}`]: secret, [`direct/${index}`]: secret } });
  directTargets.push({ url: `${base}/direct/${index}`, secret });
}

const event = (id: string) => ({ orgId, type: 'deployment' as const, data: { id, app: 'bench-app', version: '1.0.0', state: 'healthy' }, audience: {} });

/** The same signed standard body, posted straight to every subscriber: what the queue adds is measured against this. */
async function sendDirect(id: string): Promise<void> {
  const body = JSON.stringify({ type: 'deployment.healthy', timestamp: new Date().toISOString(), data: event(id).data });
  const messageId = `msg_${id.replace(/-/g, '')}`;
  const results = await Promise.all(directTargets.map((target) => postWebhook({ url: target.url, body, headers: signedHeaders([target.secret], messageId, Math.floor(Date.now() / 1000), body), timeoutMs: 10_000, allowPrivate: true })));
  for (const result of results) if (!result.ok) directFailures.set(result.error!, (directFailures.get(result.error!) ?? 0) + 1);
}
const directFailures = new Map<string, number>();

const elapsed = { queued: 0, direct: 0 };
const missing = { queued: 0, direct: 0 };

/** Publishes `count` events at RATE per second; resolves when every delivery of them arrived. */
async function round(mode: 'queued' | 'direct', count: number): Promise<void> {
  const failedBefore = [...directFailures.values()].reduce((a, b) => a + b, 0);
  let expected = delays[mode].length + count * SUBSCRIBERS;
  const sends: Promise<void>[] = [];
  const started = now();
  for (let index = 0; index < count; index += 1) {
    const due = started + (index * 1000) / RATE;
    const wait = due - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const id = randomUUID();
    publishedAt.set(id, now());
    if (mode === 'queued') sends.push(withEvents(db, events, (_trx, emit) => emit(event(id))));
    else sends.push(sendDirect(id));
  }
  await Promise.all(sends);
  // A direct post that failed is not retried (there is no queue): it never arrives.
  expected -= [...directFailures.values()].reduce((a, b) => a + b, 0) - failedBefore;
  // A delivery not in within 2 minutes (waiting for a retry after a failed attempt) counts as missing: slower than any.
  const deadline = performance.now() + 120_000;
  while (delays[mode].length < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  missing[mode] += Math.max(0, expected - delays[mode].length);
  elapsed[mode] += Math.max(0, lastArrival[mode] - started);
}

await round('queued', 20); // warm-up
await round('direct', 20);
delays.queued.length = 0;
delays.direct.length = 0;
elapsed.queued = 0;
elapsed.direct = 0;
missing.queued = 0;
missing.direct = 0;
unverified = 0;
repeats = 0;
const half = Math.floor(EVENTS / 2);
for (const [mode, count] of [['direct', half], ['queued', half], ['direct', EVENTS - half], ['queued', EVENTS - half]] as const) await round(mode, count);

const percentile = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor((p / 100) * list.length))]!;
const line = (label: string, mode: 'queued' | 'direct') => {
  const list = [...delays[mode], ...Array.from({ length: missing[mode] }, () => Number.POSITIVE_INFINITY)];
  const throughput = elapsed[mode] > 0 ? delays[mode].length / (elapsed[mode] / 1000) : 0;
  console.log(`${label.padEnd(34)} p50 ${percentile(list, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(list, 95).toFixed(1).padStart(7)} ms   ${throughput.toFixed(0).padStart(5)} deliveries/s   (${delays[mode].length} deliveries${missing[mode] ? `, ${missing[mode]} missing after 2 minutes` : ''})`);
};
console.log(`${EVENTS} events × ${SUBSCRIBERS} subscribers at ${RATE} events/s, halves alternating`);
line('direct signed posts (baseline)', 'direct');
line('outbox → relay → pg-boss → post', 'queued');
const p95 = percentile([...delays.queued, ...Array.from({ length: missing.queued }, () => Number.POSITIVE_INFINITY)], 95);
if (repeats) console.log(`deliveries that arrived again (retried after a failed or timed-out attempt; counted once): ${repeats}`);
if (directFailures.size) console.log(`direct posts that failed (not retried): ${JSON.stringify(Object.fromEntries(directFailures))}`);
const failedAttempts = await db.selectFrom('webhook_attempts').select(['error', (eb) => eb.fn.countAll<string>().as('count')]).where('error', 'is not', null).groupBy('error').execute();
if (failedAttempts.length) console.log(`queued attempts that failed (retried by the queue): ${failedAttempts.map((row) => `${row.error} ${row.count}`).join(', ')}`);
const arrivals = delays.queued.length + delays.direct.length + repeats;
console.log(`signatures verified: ${arrivals - unverified} of ${arrivals}; goal p95 ≤ 1000 ms: ${p95 <= 1000 ? 'met' : 'NOT met'}`);

await services.close();
await queue.stop({ graceful: true, timeoutMs: 5000 });
receiver.disconnect();
await database.close();
process.exit(unverified > 0 || missing.queued > 0 || p95 > 1000 ? 1 : 0);
