import { afterEach, expect, it } from 'vitest';
import { defineJob } from './define-job.js';
import { createJobQueue, type JobQueue } from './job-queue.js';
import { queueStats } from './queue-stats.js';
import { describeEachDialect } from './testing/index.js';

describeEachDialect('queue stats', (getDatabase) => {
  let queue: JobQueue | undefined;
  afterEach(async () => {
    await queue?.stop({ graceful: false });
    queue = undefined;
  });

  it('is empty before any process started the job queue on the database', async () => {
    expect(await queueStats(getDatabase())).toEqual([]);
  });

  it('counts waiting jobs per queue and ages only those whose start time has passed', async () => {
    const mail = defineJob<{ n: number }>({ name: 'mail.send', retryLimit: 0, retryDelay: 0, retryBackoff: false, expireInSeconds: 30, handler: async () => {} });
    // An API process: it queues jobs, no worker takes them, so they stay waiting.
    queue = createJobQueue(getDatabase(), { work: false });
    queue.register(mail);
    await queue.start();
    await queue.send(mail, { n: 1 });
    await queue.send(mail, { n: 2 });
    await queue.send(mail, { n: 3 }, { startAfter: 3600 });
    await getDatabase().executeSql(`UPDATE pgboss.job SET start_after = now() - interval '90 seconds' WHERE name = 'mail.send' AND data->>'n' = '1'`);

    const [stats] = await queueStats(getDatabase());
    expect(stats).toMatchObject({ name: 'mail.send', created: 3, retry: 0, active: 0, failed: 0 });
    expect(stats!.oldestWaitingSeconds).toBeGreaterThanOrEqual(89);
    expect(stats!.oldestWaitingSeconds).toBeLessThan(600);
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(queueStats(getDatabase(), 'pgboss; drop table x')).rejects.toThrow(/plain lower-case identifier/);
  });
});
