import { afterEach, describe, expect, it } from 'vitest';
import { defineJob, type JobDefinition } from './define-job.js';
import { createDatabase } from './create-database.js';
import { createJobQueue, type JobQueue } from './job-queue.js';
import { describeEachDialect } from './testing/index.js';

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const base = { retryLimit: 0, retryDelay: 0, retryBackoff: false, expireInSeconds: 30 };

describeEachDialect('job queue', (getDatabase) => {
  let queue: JobQueue | undefined;
  const startQueue = async (...jobs: JobDefinition<any>[]) => {
    queue = createJobQueue(getDatabase(), { pollingIntervalSeconds: 0.5 });
    for (const job of jobs) queue.register(job);
    await queue.start();
    return queue;
  };
  afterEach(async () => {
    await queue?.stop({ graceful: false });
    queue = undefined;
  });

  it('runs a job with its data and context and reports it completed', async () => {
    const seen: unknown[] = [];
    const greet = defineJob<{ to: string }>({ ...base, name: 'greet', handler: async (data, context) => void seen.push({ data, attempt: context.attempt, jobId: context.jobId }) });
    const q = await startQueue(greet);
    const id = await q.send(greet, { to: 'ada' });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const job = await waitFor(async () => ((await q.getJob('greet', id!))?.state === 'completed' ? q.getJob('greet', id!) : null));
    expect(seen).toEqual([{ data: { to: 'ada' }, attempt: 1, jobId: id }]);
    expect(job).toMatchObject({ id, name: 'greet', state: 'completed', data: { to: 'ada' }, attempts: 1 });
  });

  it("reports this process's side in status(): started with its workers polling, jobs running and ended, stopped", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = defineJob<{ n: number }>({ ...base, name: 'slow', concurrency: 2, handler: async () => held });
    // Fails once, then succeeds on its retry (a dead-lettered job would stay in this database for the next tests).
    let tries = 0;
    const once = defineJob<{ n: number }>({ ...base, name: 'fails-once', retryLimit: 1, handler: async () => { tries += 1; if (tries === 1) throw new Error('first try fails'); } });
    queue = createJobQueue(getDatabase(), { pollingIntervalSeconds: 0.5 });
    queue.register(slow);
    queue.register(once);
    expect(queue.status()).toEqual({ state: 'new', working: true, workers: 0, running: 0, handled: [] });
    await queue.start();
    expect(queue.status()).toMatchObject({ state: 'started', working: true, workers: 3, running: 0 });
    await queue.send(slow, { n: 1 });
    await queue.send(once, { n: 2 });
    await waitFor(async () => queue!.status().running === 1 && queue!.status().handled.length === 2);
    release();
    await waitFor(async () => queue!.status().running === 0 && queue!.status().handled.length === 3);
    expect(queue.status().handled.sort((x, y) => `${x.queue} ${x.outcome}`.localeCompare(`${y.queue} ${y.outcome}`))).toEqual([
      { queue: 'fails-once', outcome: 'completed', count: 1 },
      { queue: 'fails-once', outcome: 'failed', count: 1 },
      { queue: 'slow', outcome: 'completed', count: 1 },
    ]);
    await queue.stop();
    expect(queue.status()).toMatchObject({ state: 'stopped', workers: 0 });
  });

  it('retries a failing job, dead-letters it after its last attempt, and retries it on request', async () => {
    let healthy = false;
    const attempts: number[] = [];
    const flaky = defineJob<{ n: number }>({
      ...base,
      name: 'flaky',
      retryLimit: 1,
      handler: async (_data, { attempt }) => {
        attempts.push(attempt);
        if (!healthy) throw new Error(`smtp relay refused (attempt ${attempt})`);
      },
    });
    const q = await startQueue(flaky);
    const id = (await q.send('flaky', { n: 7 }))!;
    const [dead] = await waitFor(async () => {
      const list = await q.listDeadLetter({ limit: 10 });
      return list.length > 0 ? list : null;
    });
    expect(attempts).toEqual([1, 2]);
    expect(dead).toMatchObject({ name: 'flaky', id, data: { n: 7 }, lastError: 'smtp relay refused (attempt 2)', attempts: 2 });
    expect(dead?.failedOn).toBeInstanceOf(Date);

    healthy = true;
    expect(await q.retryDeadLetter(id)).toBe(true);
    await waitFor(async () => (await q.getJob('flaky', id))?.state === 'completed');
    expect(attempts).toEqual([1, 2, 3]);
    expect(await q.listDeadLetter()).toEqual([]);
    expect(await q.retryDeadLetter(id)).toBe(false);
  });

  it('takes a definition changed since the last start (retries), and keeps one left unchanged', async () => {
    const attempts: number[] = [];
    const define = (retryLimit: number) => defineJob<{ n: number }>({ ...base, name: 'resized', retryLimit, handler: async (_data, { attempt }) => void attempts.push(attempt) });
    await (await startQueue(define(0))).stop({ graceful: false });
    await (await startQueue(define(0))).stop({ graceful: false });
    const failing = defineJob<{ n: number }>({
      ...base,
      name: 'resized',
      retryLimit: 2,
      handler: async (_data, { attempt }) => {
        attempts.push(attempt);
        throw new Error(`relay down (attempt ${attempt})`);
      },
    });
    const q = await startQueue(failing);
    await q.send('resized', { n: 1 });
    await waitFor(async () => (await q.listDeadLetter({ limit: 10 })).length > 0);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('keeps one queued job per singletonKey when the job asks for it', async () => {
    const digest = defineJob<{ user: string }>({ ...base, name: 'digest', policy: 'short', handler: async () => {} });
    const q = await startQueue(digest);
    const later = new Date(Date.now() + 60_000);
    const first = await q.send(digest, { user: 'u1' }, { singletonKey: 'u1', startAfter: later });
    expect(first).toBeTruthy();
    expect(await q.send(digest, { user: 'u1' }, { singletonKey: 'u1', startAfter: later })).toBeNull();
    expect(await q.send(digest, { user: 'u2' }, { singletonKey: 'u2', startAfter: later })).toBeTruthy();
    expect((await q.getJob('digest', first!))?.state).toBe('created');
  });

  it('says what is wrong with a send it cannot do', async () => {
    const plain = defineJob<object>({ ...base, name: 'plain', handler: async () => {} });
    const notStarted = createJobQueue(getDatabase());
    notStarted.register(plain);
    await expect(notStarted.send(plain, {})).rejects.toMatchObject({ code: 'JOB_QUEUE_NOT_STARTED' });
    const q = await startQueue(plain);
    await expect(q.send('nope', {})).rejects.toMatchObject({ code: 'JOB_NOT_REGISTERED', message: expect.stringContaining('"nope"') });
    await expect(q.send(plain, {}, { singletonKey: 'k' })).rejects.toMatchObject({ code: 'JOB_DEFINITION_INVALID', message: expect.stringContaining('policy') });
    expect(await q.getJob('plain', 'not-a-uuid')).toBeNull();
  });

  it('a graceful stop lets the running handler finish and records it completed', async () => {
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const slow = defineJob<object>({
      ...base,
      name: 'slow',
      handler: async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 700));
        finished = true;
      },
    });
    const q = await startQueue(slow);
    const id = (await q.send(slow, {}))!;
    await running;
    await q.stop({ graceful: true });
    expect(finished).toBe(true);
    const reader = createJobQueue(getDatabase());
    reader.register(slow);
    expect((await reader.getJob('slow', id))?.state).toBe('completed');
  });
  it('starts a sent job at once, in this process and in another one, while its workers would otherwise sleep a long poll', async () => {
    const ranAt: number[] = [];
    const quick = defineJob<{ n: number }>({ ...base, name: 'quick', handler: async () => void ranAt.push(Date.now()) });
    // The worker polls only every 20 s: only the wake-up can start the jobs within a second.
    queue = createJobQueue(getDatabase(), { pollingIntervalSeconds: 20 });
    queue.register(quick);
    await queue.start();
    await new Promise((resolve) => setTimeout(resolve, 300)); // its first (empty) poll is behind it
    const sentAt = Date.now();
    await queue.send(quick, { n: 1 });
    await waitFor(async () => ranAt.length === 1, 5_000);
    expect(ranAt[0]! - sentAt).toBeLessThan(1_000);

    if (getDatabase().dialect === 'postgres') {
      // An API process only sends; the worker above hears of the job through NOTIFY.
      const sender = createJobQueue(getDatabase(), { work: false });
      sender.register(quick);
      await sender.start();
      try {
        const otherSentAt = Date.now();
        await sender.send(quick, { n: 2 });
        await waitFor(async () => ranAt.length === 2, 5_000);
        expect(ranAt[1]! - otherSentAt).toBeLessThan(1_000);
      } finally {
        await sender.stop();
      }
    }
  });

  it('keeps a job with a heartbeat alive past its window while its handler runs, its expiry a window ahead and within expireInSeconds', async () => {
    let release: () => void = () => {};
    const finished = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const slow = defineJob<{ n: number }>({ ...base, name: 'slow', heartbeatSeconds: 3, expireInSeconds: 60, handler: async () => {
      runs += 1;
      await finished;
    } });
    const q = await startQueue(slow);
    const id = (await q.send(slow, { n: 1 }))!;
    await waitFor(async () => (await q.getJob('slow', id))?.state === 'active', 5_000);
    // Seconds from the job's start to its expiry: about 3 s ahead of now, renewed while it runs (not the 60 s bound).
    const expiry = async () => (await getDatabase().executeSql(`select extract(epoch from (started_on + expire_in - now()))::float as ahead, extract(epoch from expire_in)::float as total from pgboss.job where id = $1`, [id])).rows[0] as { ahead: number; total: number };
    await waitFor(async () => (await expiry()).total < 10, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    // Past the 3 s window the job is still running, its expiry a window ahead of now, never beyond 60 s.
    const later = await expiry();
    expect(later.ahead).toBeGreaterThan(0);
    expect(later.ahead).toBeLessThanOrEqual(3.5);
    expect(later.total).toBeGreaterThan(4);
    expect(later.total).toBeLessThan(60);
    release();
    await waitFor(async () => (await q.getJob('slow', id))?.state === 'completed', 5_000);
    expect(runs).toBe(1);
  }, 20_000);

  it('lets one holder of a named lock at a time run', async () => {
    const database = getDatabase();
    const order: string[] = [];
    let inside = 0;
    const hold = (label: string) =>
      database.withLock('test:lock', async () => {
        inside += 1;
        expect(inside).toBe(1);
        order.push(`${label}:in`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        order.push(`${label}:out`);
        inside -= 1;
        return label;
      });
    expect(await Promise.all([hold('a'), hold('b'), hold('c')])).toEqual(['a', 'b', 'c']);
    expect(order.filter((entry) => entry.endsWith(':in'))).toHaveLength(3);
    for (let index = 0; index < order.length; index += 2) expect(order[index]!.replace(':in', '')).toBe(order[index + 1]!.replace(':out', ''));
  });
});

describe('job queue stopped without waiting', () => {
  it('a handler that ends after the database closed neither throws an unhandled rejection nor marks its job done', async () => {
    const real = await createDatabase({ memory: true });
    // The database as the queue sees it: once "closed", every statement fails as a closed PGlite or pool does.
    let closed = false;
    const database = Object.assign(Object.create(real) as typeof real, {
      executeSql: (text: string, values?: unknown[]) => (closed ? Promise.reject(new Error('the database is closed')) : real.executeSql(text, values)),
    });
    let started!: () => void;
    let release!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    let ended = false;
    const slow = defineJob<object>({ ...base, name: 'held', handler: async () => (started(), await held, void (ended = true)) });
    const q = createJobQueue(database, { pollingIntervalSeconds: 0.5 });
    q.register(slow);
    await q.start();
    await q.send(slow, {});
    await running;
    await q.stop({ graceful: false });
    closed = true;
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      release();
      // pg-boss reports the job's end (without awaiting it) a few ticks after the handler returns
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      process.off('unhandledRejection', onRejection);
      await real.close();
    }
    expect(ended).toBe(true);
    expect(rejections).toEqual([]);
  });
});

describe('defineJob', () => {
  it('rejects a definition it cannot run, naming the field', () => {
    expect(() => defineJob({ ...base, name: 'bad name!', handler: async () => {} })).toThrow(/name: use 1-100 letters/);
    expect(() => defineJob({ ...base, name: 'ok', expireInSeconds: 0, handler: async () => {} })).toThrow(/expireInSeconds/);
  });
});
