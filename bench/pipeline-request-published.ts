/**
 * Request → published, one at a time, api-service: POST /api/v1/requests with the template's example
 * spec, until the request reads "published" (generate, validate, package, scan, sign, publish, each
 * its own job). New: a step's job wakes the next queue's worker at once. Baseline in the same run:
 * the old setting, workers that only poll every 2 s. Goal: p50 ≤ 1.5 s.
 *   node --import tsx bench/pipeline-request-published.ts [--runs 5]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, createJobQueue, migrate } from '@marketplace/db';
import { listTemplates } from '@marketplace/generators';
import { generateReleaseKey, loadPrivateKey } from '@marketplace/release';
import pino from 'pino';
import { buildApp } from '../apps/server/src/composition/app.js';
import { jobDefinitions } from '../apps/server/src/composition/jobs.js';
import { migrations } from '../apps/server/src/composition/migrations.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import type { Db } from '../apps/server/src/db/schema.js';
import type { ServerDatabase } from '../apps/server/src/db/database.js';
import { createLocalEventBus } from '../apps/server/src/modules/events/event-bus.js';
import { alternateRuns, wholeNumberOption } from './alternate-runs.js';

const at = process.argv.indexOf('--runs');
const runs = at > 0 ? wholeNumberOption('runs', process.argv[at + 1], 50) : 5;
const spec = listTemplates().find((template) => template.kind === 'api-service')!.exampleSpec;
const env = { NODE_ENV: 'test', JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123456789', SMTP_LISTEN_PORT: '0', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000' };

/** One server process's worth (HTTP app, pipeline jobs) on its own embedded database. */
async function setup(wakeOnSend: boolean) {
  const workDir = await mkdtemp(join(tmpdir(), 'bench-request-'));
  const database = (await createDatabase({ memory: true })) as ServerDatabase;
  await migrate(database, migrations);
  const queue = createJobQueue(database, { wakeOnSend, pollingIntervalSeconds: 2 });
  const releaseKey = generateReleaseKey();
  const events = createLocalEventBus();
  const config = loadConfig(env);
  const logger = pino({ level: 'warn' });
  for (const job of jobDefinitions({ db: database.db as Db, config, queue, keys: { signingKey: async () => ({ keyId: releaseKey.keyId, privateKey: loadPrivateKey(releaseKey.privateKey) }) }, logger, events, workDir, releaseValidityDays: 30 })) queue.register(job);
  await queue.start();
  const app = await buildApp({ config, database, jobs: queue, events });
  await app.ready();
  const registered = await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'Bench', name: 'Bench Admin', email: `bench-${wakeOnSend}@example.test`, password: 'correct horse battery staple' } });
  const token = registered.json().token as string;
  const headers = { authorization: `Bearer ${token}` };

  /** Per run: end to end minus the steps' own durations, i.e. time spent between steps (load-independent). */
  const waits: number[] = [];
  const requestToPublished = async () => {
    const started = performance.now();
    const submitted = await app.inject({ method: 'POST', url: '/api/v1/requests', headers, payload: { spec } });
    if (submitted.statusCode !== 202) throw new Error(`the request was refused: ${submitted.statusCode} ${submitted.body}`);
    const id = submitted.json().id as string;
    for (;;) {
      const row = await (database.db as Db).selectFrom('requests').select('state').where('id', '=', id).executeTakeFirstOrThrow();
      if (row.state === 'published') {
        const steps = await (database.db as Db).selectFrom('request_steps').select('duration_ms').where('request_id', '=', id).execute();
        waits.push(performance.now() - started - steps.reduce((sum, step) => sum + (step.duration_ms ?? 0), 0));
        return;
      }
      if (row.state === 'failed') throw new Error(`request ${id} failed: ${JSON.stringify((await app.inject({ method: 'GET', url: `/api/v1/requests/${id}`, headers })).json().steps)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const close = async () => {
    await queue.stop({ graceful: false });
    await app.close();
    await database.close();
    await rm(workDir, { recursive: true, force: true });
  };
  return { requestToPublished, waits, close };
}

const baseline = await setup(false);
const woken = await setup(true);
try {
  const [polled, next] = await alternateRuns([baseline.requestToPublished, woken.requestToPublished], runs);
  console.log(`request → published (api-service, one at a time, p50 of ${runs} after a warm-up, PGlite):`);
  console.log(`  next step at once (wake on send):  ${(next! / 1000).toFixed(2)} s   goal ≤ 1.5 s ${next! <= 1500 ? 'met' : 'MISSED'}`);
  console.log(`  baseline, 2 s polling per queue:   ${(polled! / 1000).toFixed(2)} s   (${(polled! / next!).toFixed(1)}× slower)`);
  const p50 = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  console.log(`  of which between steps (p50):      ${(p50(woken.waits) / 1000).toFixed(2)} s at once, ${(p50(baseline.waits) / 1000).toFixed(2)} s polling`);
} finally {
  await baseline.close();
  await woken.close();
}
