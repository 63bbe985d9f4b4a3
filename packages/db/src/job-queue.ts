import PgBoss from 'pg-boss';
import type { Database, SqlResult } from './database.js';
import { failedJobName, listFailedJobs, type DeadLetterJob } from './dead-letter.js';
import type { JobDefinition } from './define-job.js';
import { DatabaseError, messageOf } from './errors.js';
import { silentLogger, type Logger } from './logger.js';

export interface JobQueueOptions {
  logger?: Logger;
  /** PostgreSQL schema of pg-boss's tables (default 'pgboss'). */
  schema?: string;
  /** How often an idle worker looks for work (default 2 s, at least 0.5). */
  pollingIntervalSeconds?: number;
  /** How often expired jobs (a crashed worker's) are put back for retry (default 30 s). */
  maintenanceIntervalSeconds?: number;
  /** false: only send jobs (an API process); their handlers run in worker processes. Default true. */
  work?: boolean;
  /** How long dead-lettered jobs stay listable and retryable (default 30 days). */
  deadLetterRetentionDays?: number;
  /**
   * Wake a queue's idle workers as soon as a job is sent to it (in this process directly, in other
   * processes by PostgreSQL NOTIFY) instead of waiting for their next poll. Default true;
   * false leaves only polling (benchmarks compare the two).
   */
  wakeOnSend?: boolean;
}

/** The NOTIFY channel that carries the name of a queue that just got a job. */
export const JOB_WAKE_CHANNEL = 'marketplace_jobs';
/** The advisory lock held while pg-boss's schema and queues are created (concurrent first starts deadlock otherwise). */
export const JOB_SETUP_LOCK = 'marketplace:job-queue-setup';

export interface SendOptions {
  /** With a queue policy other than 'standard': at most one such job per key (else send returns null). */
  singletonKey?: string;
  /** A Date, an ISO time, or a delay in seconds. */
  startAfter?: Date | string | number;
}

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

export interface JobInfo {
  id: string;
  name: string;
  state: JobState;
  data: unknown;
  attempts: number;
  output: unknown;
  createdOn: Date;
  startedOn: Date | null;
  completedOn: Date | null;
}

/** What only the process itself knows of its job queue (status()): the shared tables say what is queued. */
export interface JobQueueStatus {
  state: 'new' | 'started' | 'stopped';
  /** Whether this process runs jobs (a worker) or only sends them (work: false). */
  working: boolean;
  /** pg-boss workers polling a queue in this process (0 when not working or not started). */
  workers: number;
  /** Job handlers running in this process now. */
  running: number;
  /** Handlers that ended in this process since it started, by queue and outcome. */
  handled: { queue: string; outcome: 'completed' | 'failed'; count: number }[];
}

export interface JobQueue {
  register<TData>(job: JobDefinition<TData>): void;
  /** This process's side of the queue, for its /readyz and /metrics. */
  status(): JobQueueStatus;
  start(): Promise<void>;
  /** Queues a job; returns its id, or null when a job with the same singletonKey is already queued. */
  send<TData>(job: JobDefinition<TData> | string, data: TData, options?: SendOptions): Promise<string | null>;
  getJob(name: string, id: string): Promise<JobInfo | null>;
  listDeadLetter(options?: { limit?: number }): Promise<DeadLetterJob[]>;
  /** Gives a dead-lettered job one more attempt; false when no failed job has that id. */
  retryDeadLetter(id: string): Promise<boolean>;
  /** graceful (default): stop fetching, wait up to `timeoutMs` for running handlers. */
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A pg-boss 10 queue on the same database: PGlite through its executeSql, PostgreSQL through the pool. */
export function createJobQueue(database: Database, options: JobQueueOptions = {}): JobQueue {
  const logger = (options.logger ?? silentLogger).child({ component: 'jobs' });
  const schema = options.schema ?? 'pgboss';
  const jobs = new Map<string, JobDefinition<any>>();
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const executeSql = async (text: string, values: any[]) => {
    inFlight += 1;
    try {
      return await database.executeSql(text, values);
    } catch (error) {
      // A handler that outlived a non-graceful stop reports its end after the database closed: the job's
      // lease expires and it runs again, as after a crash. Said in the log, not thrown into pg-boss (which does not catch it).
      if (state !== 'stopped') throw error;
      logger.warn({ err: error }, 'a job ended after the job queue stopped; it runs again when its lease expires');
      // No result at all (rather than no rows): pg-boss reads a command's count from rows[0] when rows is there.
      return {} as SqlResult;
    } finally {
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    }
  };

  let boss: PgBoss;
  try {
    boss = new PgBoss({
      db: { executeSql },
      schema,
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
      archiveFailedAfterSeconds: (options.deadLetterRetentionDays ?? 30) * 86_400,
    });
  } catch (error) {
    throw new DatabaseError('JOB_QUEUE_FAILED', `The job queue options are invalid: ${messageOf(error)}.`, { cause: error });
  }
  boss.on('error', (error: Error) => logger.error({ err: error }, 'job queue error'));
  let state: 'new' | 'started' | 'stopped' = 'new';
  const wakeOnSend = options.wakeOnSend ?? true;
  /** pg-boss worker ids of each queue this process works on. */
  const workers = new Map<string, string[]>();
  let running = 0;
  const handled = new Map<string, number>();
  const count = (queue: string, outcome: 'completed' | 'failed') => {
    const key = `${queue}\n${outcome}`;
    handled.set(key, (handled.get(key) ?? 0) + 1);
  };
  let unlisten: (() => Promise<void>) | undefined;
  const wake = (name: string) => {
    for (const id of workers.get(name) ?? []) boss.notifyWorker(id);
  };

  /**
   * Creates the registered queues that do not exist yet and updates those whose options changed. One query
   * reads them all: on a restart with nothing changed that is the only one (decision 0054).
   */
  async function setUpQueues(): Promise<void> {
    const existing = new Map((await boss.getQueues()).map((queue) => [queue.name, queue]));
    for (const job of jobs.values()) {
      const queueOptions = { name: job.name, policy: job.policy ?? 'standard', retryLimit: job.retryLimit, retryDelay: job.retryDelay, retryBackoff: job.retryBackoff, expireInSeconds: job.expireInSeconds };
      const queue = existing.get(job.name);
      if (!queue) await boss.createQueue(job.name, queueOptions);
      // What the definition leaves out keeps the queue's value (pg-boss's update coalesces), so only given options count.
      const changed = !queue || (['policy', 'retryLimit', 'retryDelay', 'retryBackoff', 'expireInSeconds'] as const).some((key) => queueOptions[key] !== undefined && queueOptions[key] !== queue[key]);
      if (changed) await boss.updateQueue(job.name, queueOptions);
    }
  }

  /**
   * A heartbeat: the running job's expiry is kept `heartbeatSeconds` ahead of now (never past
   * expireInSeconds after its start, which also bounds the handler in this process), from its first
   * moment on, so a worker that dies is noticed one window later rather than at expireInSeconds.
   */
  function heartbeat(job: JobDefinition<any>, id: string, jobLogger: Logger): NodeJS.Timeout {
    const window = job.heartbeatSeconds!;
    const beat = () =>
      executeSql(
        `UPDATE ${schema}.job SET expire_in = least(now() - started_on + make_interval(secs => $3), make_interval(secs => $4)) WHERE name = $1 AND id = $2 AND state = 'active'`,
        [job.name, id, window, job.expireInSeconds],
      ).catch((error: unknown) => jobLogger.warn({ err: error }, 'could not extend the running job: it may be retried elsewhere'));
    void beat();
    const timer = setInterval(beat, (window * 1000) / 3);
    timer.unref();
    return timer;
  }

  async function work(job: JobDefinition<any>): Promise<void> {
    const ids: string[] = [];
    workers.set(job.name, ids);
    for (let worker = 0; worker < (job.concurrency ?? 1); worker += 1) {
      let id = '';
      id = await boss.work<unknown>(job.name, { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async ([run]) => {
        if (!run) return;
        const attempt = run.retryCount + 1;
        const jobLogger = logger.child({ job: job.name, jobId: run.id, attempt });
        const beating = job.heartbeatSeconds ? heartbeat(job, run.id, jobLogger) : undefined;
        running += 1;
        try {
          const output = await job.handler(run.data, { jobId: run.id, attempt, logger: jobLogger });
          count(job.name, 'completed');
          return output;
        } catch (error) {
          count(job.name, 'failed');
          const last = attempt > run.retryLimit;
          jobLogger[last ? 'error' : 'warn']({ err: error }, last ? 'job failed on its last attempt: dead-lettered' : 'job failed: it will be retried');
          throw error;
        } finally {
          running -= 1;
          clearInterval(beating);
          // A worker that just ran a job looks for the next one at once instead of sleeping a poll interval.
          if (wakeOnSend) boss.notifyWorker(id);
        }
      });
      ids.push(id);
    }
  }

  function requireStarted(action: string): void {
    if (state !== 'started') throw new DatabaseError('JOB_QUEUE_NOT_STARTED', `Cannot ${action}: the job queue is ${state === 'new' ? 'not started (call start() first)' : 'stopped'}.`);
  }

  function registered(name: string): JobDefinition<any> {
    const job = jobs.get(name);
    if (!job) throw new DatabaseError('JOB_NOT_REGISTERED', `No job named "${name}" is registered. Register its definition with queue.register() before start().`);
    return job;
  }

  return {
    register(job) {
      if (jobs.has(job.name)) throw new DatabaseError('JOB_DEFINITION_INVALID', `A job named "${job.name}" is already registered; job names must be unique.`);
      if (state !== 'new') throw new DatabaseError('JOB_DEFINITION_INVALID', `Register "${job.name}" before the queue starts.`);
      jobs.set(job.name, job);
    },

    status() {
      return {
        state,
        working: options.work !== false,
        workers: state === 'started' ? [...workers.values()].reduce((sum, ids) => sum + ids.length, 0) : 0,
        running,
        handled: [...handled].map(([key, n]) => {
          const [queue, outcome] = key.split('\n') as [string, 'completed' | 'failed'];
          return { queue, outcome, count: n };
        }),
      };
    },

    async start() {
      if (state !== 'new') return;
      try {
        // Several processes starting at once on an empty database would race creating the same queues.
        await database.withLock(JOB_SETUP_LOCK, async () => {
          await boss.start();
          await setUpQueues();
        });
        if (options.work !== false) {
          for (const job of jobs.values()) await work(job);
          if (wakeOnSend && database.listen) unlisten = await database.listen(JOB_WAKE_CHANNEL, wake);
        }
      } catch (error) {
        throw new DatabaseError('JOB_QUEUE_FAILED', `The job queue could not start: ${messageOf(error)}.`, { cause: error });
      }
      state = 'started';
      logger.info({ jobs: [...jobs.keys()] }, 'job queue started');
    },

    async send(jobOrName, data, sendOptions = {}) {
      requireStarted('send a job');
      const job = registered(typeof jobOrName === 'string' ? jobOrName : jobOrName.name);
      if (sendOptions.singletonKey !== undefined && (job.policy ?? 'standard') === 'standard') {
        throw new DatabaseError('JOB_DEFINITION_INVALID', `Job "${job.name}" has the 'standard' policy, which ignores singletonKey. Give its definition policy 'short', 'singleton' or 'stately'.`);
      }
      const pgBossOptions: PgBoss.SendOptions = {};
      if (sendOptions.singletonKey !== undefined) pgBossOptions.singletonKey = sendOptions.singletonKey;
      if (sendOptions.startAfter !== undefined) pgBossOptions.startAfter = sendOptions.startAfter;
      const id = await boss.send(job.name, (data ?? {}) as object, pgBossOptions);
      if (id && wakeOnSend && sendOptions.startAfter === undefined) {
        wake(job.name);
        if (database.dialect === 'postgres') {
          // Workers in other processes: a lost notification only costs one poll interval.
          await database.executeSql('select pg_notify($1, $2)', [JOB_WAKE_CHANNEL, job.name]).catch((error: unknown) => logger.warn({ err: error }, 'could not notify other workers of a new job'));
        }
      }
      return id;
    },

    async getJob(name, id) {
      if (!UUID.test(id)) return null;
      const job = await boss.getJobById<unknown>(name, id, { includeArchive: true });
      if (!job) return null;
      return {
        id: job.id,
        name: job.name,
        state: job.state,
        data: job.data,
        attempts: job.startedOn ? job.retryCount + 1 : 0,
        output: job.output ?? null,
        createdOn: job.createdOn,
        startedOn: job.startedOn ?? null,
        completedOn: job.completedOn ?? null,
      };
    },

    async listDeadLetter({ limit = 50 } = {}) {
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new DatabaseError('JOB_QUEUE_FAILED', `listDeadLetter limit must be an integer from 1 to 1000 (got ${limit}).`);
      return listFailedJobs(database, schema, limit);
    },

    async retryDeadLetter(id) {
      requireStarted('retry a job');
      if (!UUID.test(id)) return false;
      const name = await failedJobName(database, schema, id);
      if (!name) return false;
      await boss.retry(name, id);
      return true;
    },

    async stop({ graceful = true, timeoutMs = 30_000 } = {}) {
      if (state !== 'started') {
        state = 'stopped';
        return;
      }
      state = 'stopped';
      await unlisten?.();
      await boss.stop({ graceful, timeout: timeoutMs, wait: true, close: false });
      // pg-boss completes jobs without awaiting: let those last writes land before the database closes.
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      logger.info('job queue stopped');
    },
  };
}
