/**
 * Request → published, one at a time, api-service: POST /api/v1/requests with the template's example
 * spec, until the request reads "published" (generate, validate, package, scan, sign, publish, each
 * its own job). New: a step's job wakes the next queue's worker at once. Baseline in the same run:
 * the old setting, workers that only poll every 2 s. Goal: p50 ≤ 1.5 s. Also prints each step's own time (p50):
 * on the shared 2-core machine nearly all of it is validation's child processes (docs/decisions/0049).
 *   node --import tsx bench/pipeline-request-published.ts [--runs 5]
 */
import { readFileSync } from 'node:fs';
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
  /** Per run: each step's own duration (ms), to see which step the time goes to. */
  const stepTimes = new Map<string, number[]>();
  const orgId = registered.json().organization.id as string;
  const stateOf = async (id: string) => (await (database.db as Db).selectFrom('requests').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
  /**
   * Resolves when the request is published, rejects when it fails: woken by the request's live events, as the web
   * UI is, with a re-read every second for an event missed. (Reading the row every 10 ms, as this bench did, cost the
   * embedded database — and so the pipeline on the same thread — ≈ 0.3 s of CPU per request on the loaded machine.)
   */
  const settled = (submit: () => Promise<string>) =>
    new Promise<string>((resolve, reject) => {
      let id: string | undefined;
      let timer: NodeJS.Timeout | undefined;
      const finish = (error?: Error) => {
        unsubscribe();
        clearInterval(timer);
        if (error) reject(error);
        else resolve(id!);
      };
      const check = async () => {
        const state = await stateOf(id!);
        if (state === 'published') finish();
        if (state === 'failed') finish(new Error(`request ${id} failed: ${JSON.stringify((await app.inject({ method: 'GET', url: `/api/v1/requests/${id}`, headers })).json().steps)}`));
      };
      const unsubscribe = events.subscribe(orgId, (event) => {
        const data = event.data as { id?: string; state?: string };
        if (event.type === 'request' && id && data.id === id && (data.state === 'published' || data.state === 'failed')) check().catch(finish);
      });
      submit().then((submitted) => {
        id = submitted;
        timer = setInterval(() => check().catch(finish), 1000);
        return check();
      }).catch(finish);
    });
  const requestToPublished = async () => {
    const started = performance.now();
    const id = await settled(async () => {
      const submitted = await app.inject({ method: 'POST', url: '/api/v1/requests', headers, payload: { spec } });
      if (submitted.statusCode !== 202) throw new Error(`the request was refused: ${submitted.statusCode} ${submitted.body}`);
      return submitted.json().id as string;
    });
    const elapsed = performance.now() - started;
    const steps = await (database.db as Db).selectFrom('request_steps').select(['name', 'duration_ms']).where('request_id', '=', id).execute();
    for (const step of steps) stepTimes.set(step.name, [...(stepTimes.get(step.name) ?? []), step.duration_ms ?? 0]);
    waits.push(elapsed - steps.reduce((sum, step) => sum + (step.duration_ms ?? 0), 0));
  };
  const close = async () => {
    await queue.stop({ graceful: false });
    await app.close();
    await database.close();
    await rm(workDir, { recursive: true, force: true });
  };
  return { requestToPublished, waits, stepTimes, close };
}

/**
 * CPU time (ms) so far: this process (main thread, PGlite, workers) and its waited-for child processes (validation's
 * tests and sandboxes, git), from /proc/self/stat (cutime + cstime, in clock ticks of 10 ms). Less noisy than wall time
 * on a loaded machine.
 */
function cpuSoFar(): { main: number; children: number } {
  const usage = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return { main: (usage.user + usage.system) / 1000, children: (Number(fields[13]) + Number(fields[14])) * 10 };
}

const baseline = await setup(false);
const woken = await setup(true);
try {
  const cpuBefore = cpuSoFar();
  const [polled, next] = await alternateRuns([baseline.requestToPublished, woken.requestToPublished], runs);
  const cpuAfter = cpuSoFar();
  const requests = 2 * (runs + 1);
  console.log(`request → published (api-service, one at a time, p50 of ${runs} after a warm-up, PGlite):`);
  console.log(`  next step at once (wake on send):  ${(next! / 1000).toFixed(2)} s   goal ≤ 1.5 s ${next! <= 1500 ? 'met' : 'MISSED'}`);
  console.log(`  baseline, 2 s polling per queue:   ${(polled! / 1000).toFixed(2)} s   (${(polled! / next!).toFixed(1)}× slower)`);
  const p50 = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  console.log(`  of which between steps (p50):      ${(p50(woken.waits) / 1000).toFixed(2)} s at once, ${(p50(baseline.waits) / 1000).toFixed(2)} s polling`);
  console.log(`  CPU per request (mean of ${requests}): main process ${((cpuAfter.main - cpuBefore.main) / requests / 1000).toFixed(2)} s, child processes ${((cpuAfter.children - cpuBefore.children) / requests / 1000).toFixed(2)} s`);
  console.log(`  steps' own time (p50, wake on send): ${[...woken.stepTimes].map(([name, times]) => `${name} ${(p50(times) / 1000).toFixed(2)} s`).join(', ')}`);
} finally {
  await baseline.close();
  await woken.close();
}
