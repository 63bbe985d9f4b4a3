/**
 * Requests per minute through the whole pipeline (generate → validate → package → scan → sign →
 * publish) with 4 requests in flight, against the same 4 requests one after another in the same run.
 *   node --import tsx bench/pipeline-throughput.ts [--rounds 1]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, createJobQueue, migrate } from '@marketplace/db';
import { generateReleaseKey, loadPrivateKey } from '@marketplace/release';
import pino from 'pino';
import { buildApp } from '../apps/server/src/composition/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { migrations } from '../apps/server/src/composition/migrations.js';
import type { Db } from '../apps/server/src/db/schema.js';
import { jobDefinitions } from '../apps/server/src/composition/jobs.js';
import { createLocalEventBus } from '../apps/server/src/modules/events/event-bus.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 1;
const workDir = await mkdtemp(join(tmpdir(), 'bench-pipeline-'));
const database = await createDatabase({ memory: true });
await migrate(database, migrations);
const queue = createJobQueue(database, { pollingIntervalSeconds: 0.5 });
const key = generateReleaseKey();
const config = loadConfig({ JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'silent' });
const services = { db: database.db as Db, config, queue, keys: { signingKey: async () => ({ keyId: key.keyId, privateKey: loadPrivateKey(key.privateKey) }) }, logger: pino({ level: 'silent' }), events: createLocalEventBus(), workDir, releaseValidityDays: 30 };
for (const job of jobDefinitions(services)) queue.register(job);
await queue.start();
const app = await buildApp({ config, database, jobs: queue });
const token = (await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'Bench', name: 'B', email: 'ana@example.test', password: 'correct horse battery staple' } })).json().token;
const headers = { authorization: `Bearer ${token}` };
let counter = 0;

async function oneRequest(): Promise<void> {
  counter += 1;
  const spec = { specVersion: 1, name: `tracker-${counter}`, title: `Tracker ${counter}`, summary: 'Bench app', kind: 'api-service', entities: [{ name: 'item', fields: [{ name: 'label', type: 'string', required: true }, { name: 'count', type: 'integer' }] }] };
  const submitted = await app.inject({ method: 'POST', url: '/api/v1/requests', headers, payload: { spec } });
  if (submitted.statusCode !== 202) throw new Error(`submitting failed: ${submitted.statusCode} ${submitted.body}`);
  const id = submitted.json().id as string;
  for (;;) {
    const state = (await app.inject({ method: 'GET', url: `/api/v1/requests/${id}`, headers })).json().state as string;
    if (state === 'published') return;
    if (state === "failed") throw new Error(`request ${id} failed`);
    if (process.env.BENCH_DEBUG) console.error(id.slice(0, 8), state);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function measure(concurrent: boolean): Promise<number> {
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) {
    if (concurrent) await Promise.all([oneRequest(), oneRequest(), oneRequest(), oneRequest()]);
    else for (let i = 0; i < 4; i += 1) await oneRequest();
  }
  return (4 * rounds) / ((performance.now() - started) / 60_000);
}

const sequential = await measure(false);
const concurrent = await measure(true);
console.log(`one at a time     ${sequential.toFixed(1)} requests/min`);
console.log(`4 in flight       ${concurrent.toFixed(1)} requests/min  (${(concurrent / sequential).toFixed(2)}× one at a time)`);
await queue.stop({ graceful: false });
await app.close();
await database.close();
await rm(workDir, { recursive: true, force: true });
