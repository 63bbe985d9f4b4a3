/**
 * A worker process for the crash tests: opens the embedded database in argv[2] and
 * - `hold`: reports `ready` and keeps the database open until killed;
 * - `write`: inserts rows one transaction at a time, reporting each commit, until killed;
 * - `first`: queues one job whose handler reports `started` and never returns (to be killed);
 * - `resume`: runs the queue until that job completes, then exits cleanly.
 * Every report is one JSON line on stdout.
 */
import { sql } from 'kysely';
import { createDatabase } from '../create-database.js';
import { defineJob } from '../define-job.js';
import { createJobQueue } from '../job-queue.js';
import { migrate } from '../migrate.js';

const [dataDir, mode] = process.argv.slice(2);
const report = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ pid: process.pid, ...event })}\n`);
const forever = () => new Promise<never>(() => {});

if (!dataDir || !mode) throw new Error('usage: crash-worker <dataDir> hold|write|first|resume');
const database = await createDatabase({ dataDir });
await migrate(database, [
  {
    name: '0001-effects',
    up: async (db) => {
      await sql`create table effects (id serial primary key, job_id text not null, attempt int not null, pid int not null)`.execute(db);
      await sql`create table writes (id serial primary key, payload text not null)`.execute(db);
      await sql`create index writes_payload on writes (payload)`.execute(db);
    },
  },
]);

if (mode === 'hold') {
  report({ event: 'ready' });
  await forever();
}

if (mode === 'write') {
  for (let n = 1; ; n += 1) {
    await database.db.insertInto('writes').values({ payload: `row-${n}-${'x'.repeat(200)}` }).execute();
    report({ event: 'committed', n });
  }
}

const queue = createJobQueue(database, { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 });
const effectJob = defineJob<{ label: string }>({
  name: 'crash-effect',
  retryLimit: 3,
  retryDelay: 0,
  retryBackoff: false,
  expireInSeconds: 2,
  handler: async (_data, { jobId, attempt }) => {
    report({ event: 'started', jobId, attempt });
    if (mode === 'first') await forever();
    await database.db.insertInto('effects').values({ job_id: jobId, attempt, pid: process.pid }).execute();
  },
});
queue.register(effectJob);
await queue.start();

if (mode === 'first') {
  report({ event: 'sent', jobId: await queue.send(effectJob, { label: 'once' }) });
  await forever();
}

const { rows } = await sql<{ id: string }>`select id::text as id from pgboss.job where name = 'crash-effect'`.execute(database.db);
const jobId = rows[0]?.id;
if (!jobId) throw new Error('the job sent before the crash is gone');
for (;;) {
  const job = await queue.getJob('crash-effect', jobId);
  if (job?.state === 'completed') break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}
// Keep polling a little longer: a second run would show up as a second effect.
await new Promise((resolve) => setTimeout(resolve, 2500));
await queue.stop({ graceful: true });
await database.close();
report({ event: 'finished', jobId });
