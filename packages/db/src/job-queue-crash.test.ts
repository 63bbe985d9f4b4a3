import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from './create-database.js';

const worker = fileURLToPath(new URL('./test-support/crash-worker.ts', import.meta.url));
type Report = { pid: number; event: string; [key: string]: unknown };

/** A crash-worker child process; `next(event)` resolves with its next report of that kind. */
function startWorker(dataDir: string, mode: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, dataDir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  const reports: Report[] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    reports.push(JSON.parse(line) as Report);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = async (event: string, timeoutMs = 60_000): Promise<Report> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = reports.find((report) => report.event === event);
      if (found) return found;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker (${mode}) never reported "${event}" (exit ${child.exitCode}):\n${stderr}`);
      await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), exited, new Promise((resolve) => setTimeout(resolve, 250))]);
    }
  };
  return { child, reports, next, exited, stderr: () => stderr };
}

async function kill9(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  child.kill('SIGKILL');
  await exited;
}

describe('embedded database and job queue across kill -9', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-crash-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('a second process is refused while the first holds the directory, and gets in once it is killed', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const holder = startWorker(dir, 'hold');
    children.push(holder.child);
    const ready = await holder.next('ready');
    await expect(createDatabase({ dataDir: dir })).rejects.toMatchObject({ code: 'DATABASE_IN_USE', message: expect.stringContaining(`in use by process ${ready.pid}`) });

    await kill9(holder.child, holder.exited);
    const database = await createDatabase({ dataDir: dir });
    await database.ping();
    await database.close();
  });

  it('recovers the data directory after kill -9 in the middle of writes, keeping every committed row', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const writer = startWorker(dir, 'write');
    children.push(writer.child);
    await writer.next('committed');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await kill9(writer.child, writer.exited);
    const committed = Math.max(...writer.reports.filter((report) => report.event === 'committed').map((report) => Number(report.n)));

    const database = await createDatabase({ dataDir: dir });
    try {
      const count = await sql<{ n: string; last: number }>`select count(*) as n, max(id) as last from writes`.execute(database.db);
      expect(Number(count.rows[0]?.n)).toBeGreaterThanOrEqual(committed);
      // The index and the table agree, and the database takes new writes.
      const viaIndex = await sql<{ n: string }>`select count(*) as n from writes where payload like 'row-%'`.execute(database.db);
      expect(viaIndex.rows[0]?.n).toBe(count.rows[0]?.n);
      await database.db.insertInto('writes').values({ payload: 'after-crash' }).execute();
    } finally {
      await database.close();
    }
  });

  it('a job killed mid-run is picked up by the next process and its effect happens exactly once', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const first = startWorker(dir, 'first');
    children.push(first.child);
    const started = await first.next('started');
    expect(started.attempt).toBe(1);
    await kill9(first.child, first.exited);

    const second = startWorker(dir, 'resume');
    children.push(second.child);
    const finished = await second.next('finished', 90_000);
    expect(await second.exited).toBe(0);
    expect(finished.jobId).toBe(started.jobId);
    expect(second.reports.filter((report) => report.event === 'started').map((report) => report.attempt)).toEqual([2]);

    const database = await createDatabase({ dataDir: dir });
    try {
      const effects = await database.db.selectFrom('effects').select(['job_id', 'attempt', 'pid']).execute();
      expect(effects).toEqual([{ job_id: started.jobId, attempt: 2, pid: second.child.pid }]);
      const job = await sql<{ state: string }>`select state::text as state from pgboss.job where id = ${String(started.jobId)}::uuid`.execute(database.db);
      expect(job.rows).toEqual([{ state: 'completed' }]);
    } finally {
      await database.close();
    }
  });
});
