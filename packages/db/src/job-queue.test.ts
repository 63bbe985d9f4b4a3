import { afterEach, describe, expect, it } from 'vitest';
import { defineJob, type JobDefinition } from './define-job.js';
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
});

describe('defineJob', () => {
  it('rejects a definition it cannot run, naming the field', () => {
    expect(() => defineJob({ ...base, name: 'bad name!', handler: async () => {} })).toThrow(/name: use 1-100 letters/);
    expect(() => defineJob({ ...base, name: 'ok', expireInSeconds: 0, handler: async () => {} })).toThrow(/expireInSeconds/);
  });
});
