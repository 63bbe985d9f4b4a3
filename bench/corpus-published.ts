/**
 * Generation rate: of the corpus requests that state everything needed, the share that reaches
 * `published` through the real pipeline (POST /api/v1/requests {text} → generate, validate in the
 * sandbox, package, scan, sign, publish, each its own job). A request counts as stating everything
 * when the corpus says so (`expect.missing: []`) or the engine asks nothing about it. Tuning corpus
 * and held-out part together (requests-*.json, held-out-*.json). Goal: ≥ 99 %. Prints every failure
 * with its step and reason.
 *
 *   node --import tsx bench/corpus-published.ts [--limit N] [--concurrency N] [--ids ID,ID…]   (defaults: all, 2)
 *   (--ids: only those corpus requests, e.g. the ones a change added, for a short run)
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, createJobQueue, migrate } from '@marketplace/db';
import { generateReleaseKey, loadPrivateKey } from '@marketplace/release';
import { extractSpec } from '@marketplace/spec';
import pino from 'pino';
import type { CorpusRequest } from '../packages/spec/test/corpus-expectations.js';
import { buildApp } from '../apps/server/src/composition/app.js';
import { jobDefinitions } from '../apps/server/src/composition/jobs.js';
import { migrations } from '../apps/server/src/composition/migrations.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import type { Db } from '../apps/server/src/db/schema.js';
import type { ServerDatabase } from '../apps/server/src/db/database.js';
import { createLocalEventBus } from '../apps/server/src/modules/events/event-bus.js';
import { wholeNumberOption } from './alternate-runs.js';

const option = (name: string, fallback: number, max: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? wholeNumberOption(name, process.argv[at + 1], max) : fallback;
};
const FILES = ['requests-en.json', 'requests-pl.json', 'held-out-en.json', 'held-out-pl.json'];
const load = (file: string): CorpusRequest[] => JSON.parse(readFileSync(new URL(`../packages/spec/test/corpus/${file}`, import.meta.url), 'utf8')) as CorpusRequest[];
/** Longest a request may take to publish before it counts as failed (validation runs the app's tests and the app). */
const REQUEST_TIMEOUT_MS = 300_000;

const complete = FILES.flatMap((file) => load(file).map((request) => ({ ...request, file }))).filter((request) => {
  const marked = Array.isArray(request.expect.missing) && request.expect.missing.length === 0;
  const askedNothing = request.expect.missing === undefined && extractSpec(request.text).missing.length === 0;
  return marked || askedNothing;
});
const idsAt = process.argv.indexOf('--ids');
const ids = idsAt > 0 ? (process.argv[idsAt + 1] ?? '').split(',').map((id) => id.trim()).filter(Boolean) : null;
if (ids) {
  const unknown = ids.filter((id) => !complete.some((request) => request.id === id));
  if (ids.length === 0 || unknown.length) {
    console.error(`--ids: ${ids.length === 0 ? 'give at least one corpus request id' : `not a corpus request that states everything needed: ${unknown.join(', ')}`}`);
    process.exit(2);
  }
}
const selected = ids ? complete.filter((request) => ids.includes(request.id)) : complete;
const limit = option('limit', selected.length, selected.length);
const concurrency = option('concurrency', 2, 8);
const cases = selected.slice(0, limit);

const env = { NODE_ENV: 'test', JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123456789', SMTP_LISTEN_PORT: '0', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000' };
const workDir = await mkdtemp(join(tmpdir(), 'bench-corpus-'));
const database = (await createDatabase({ memory: true })) as ServerDatabase;
await migrate(database, migrations);
const queue = createJobQueue(database, { wakeOnSend: true, pollingIntervalSeconds: 2 });
const releaseKey = generateReleaseKey();
const config = loadConfig(env);
const events = createLocalEventBus();
const signingKey = async () => ({ keyId: releaseKey.keyId, privateKey: loadPrivateKey(releaseKey.privateKey) });
for (const job of jobDefinitions({ db: database.db as Db, config, queue, keys: { signingKey }, logger: pino({ level: 'warn' }), events, workDir, releaseValidityDays: 30 })) queue.register(job);
await queue.start();
const app = await buildApp({ config, database, jobs: queue, events });
await app.ready();
const registered = await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'Corpus Bench', name: 'Bench Admin', email: 'corpus-bench@example.test', password: 'correct horse battery staple' } });
const headers = { authorization: `Bearer ${registered.json().token as string}` };
await app.inject({ method: 'PUT', url: '/api/v1/config', headers, payload: { settings: { requests: { maxConcurrent: concurrency } } } });

/** Null when published, else what stopped it. */
async function publish(text: string): Promise<string | null> {
  const submitted = await app.inject({ method: 'POST', url: '/api/v1/requests', headers, payload: { text } });
  if (submitted.statusCode !== 202) return `refused at submission: ${submitted.statusCode} ${submitted.json().code ?? ''} ${String(submitted.json().detail ?? '').slice(0, 300)}`;
  const id = submitted.json().id as string;
  const deadline = Date.now() + REQUEST_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { state } = await (database.db as Db).selectFrom('requests').select('state').where('id', '=', id).executeTakeFirstOrThrow();
    if (state === 'published') return null;
    if (state === 'failed') {
      const steps = (await app.inject({ method: 'GET', url: `/api/v1/requests/${id}`, headers })).json().steps as { name: string; state: string; error?: unknown }[];
      const failed = steps.find((step) => step.state === 'failed');
      return `failed at ${failed?.name ?? '?'}: ${JSON.stringify(failed?.error ?? null).slice(0, 600)}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return `not published within ${REQUEST_TIMEOUT_MS / 1000} s`;
}

const started = performance.now();
const failures: string[] = [];
let next = 0;
let published = 0;
let done = 0;
async function worker(): Promise<void> {
  while (next < cases.length) {
    const request = cases[next++]!;
    const problem = await publish(request.text);
    if (problem === null) published += 1;
    else failures.push(`  ${request.id} (${request.file}): ${request.text}\n    ${problem}`);
    // progress on stderr as it goes (a long run can be read before it ends)
    process.stderr.write(`${problem === null ? 'published' : `FAILED ${problem}`}: ${request.id} (${published}/${++done} so far)\n`);
  }
}
try {
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  const rate = (100 * published) / cases.length;
  console.log(`\ncorpus requests that state everything needed → published (real pipeline, PGlite, ${concurrency} at a time):`);
  console.log(`  ${published}/${cases.length} = ${rate.toFixed(1)} %   goal ≥ 99 % ${rate >= 99 ? 'met' : 'MISSED'}   (${((performance.now() - started) / 1000).toFixed(0)} s; ${complete.length} such requests in the corpus)`);
  if (failures.length) console.log(`failures:\n${failures.join('\n')}`);
} finally {
  await queue.stop({ graceful: false });
  await app.close();
  await database.close();
  await rm(workDir, { recursive: true, force: true });
}
