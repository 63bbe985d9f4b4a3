import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** Every directory fsync: when it started, and a way to let it finish (or fail). */
const syncs: { path: string; finish: (error?: Error) => void }[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const paths = new Map<number, string>();
  return {
    ...real,
    openSync: (path: string, flags: string) => {
      const fd = real.openSync(path, flags);
      paths.set(fd, path);
      return fd;
    },
    fsync: (fd: number, callback: (error: Error | null) => void) => {
      syncs.push({ path: paths.get(fd)!, finish: (error) => (error ? callback(error) : real.fsync(fd, callback)) });
    },
  };
});

const { syncDirectoryGrouped } = await import('./grouped-directory-sync.js');

const dirs: string[] = [];
afterEach(async () => {
  syncs.length = 0;
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
const directory = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'grouped-sync-'));
  dirs.push(dir);
  return dir;
};
/** Lets pending promise callbacks (opening the directory) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('syncDirectoryGrouped', () => {
  it('serves twenty concurrent callers with two fsyncs, and never with one that began before a caller asked', async () => {
    const dir = await directory();
    const done: number[] = [];
    const first = syncDirectoryGrouped(dir).then(() => done.push(0));
    await settle();
    expect(syncs).toHaveLength(1);
    // these 19 ask while the first fsync runs: their renames may be newer than it
    const rest = Array.from({ length: 19 }, (_, index) => syncDirectoryGrouped(dir).then(() => done.push(index + 1)));
    await settle();
    expect(syncs).toHaveLength(1);
    syncs[0]!.finish();
    await first;
    await settle();
    expect(done).toEqual([0]);
    expect(syncs).toHaveLength(2);
    syncs[1]!.finish();
    await Promise.all(rest);
    expect(done).toHaveLength(20);
    expect(syncs).toHaveLength(2);
  });

  it('fails every caller that shared a failed fsync, and the next caller gets a fresh one', async () => {
    const dir = await directory();
    const running = syncDirectoryGrouped(dir);
    await settle();
    const shared = [syncDirectoryGrouped(dir), syncDirectoryGrouped(dir)];
    syncs[0]!.finish();
    await running;
    await settle();
    syncs[1]!.finish(new Error('EIO: disk gone'));
    for (const result of await Promise.allSettled(shared)) expect(result).toMatchObject({ status: 'rejected', reason: { message: 'EIO: disk gone' } });
    const later = syncDirectoryGrouped(dir);
    await settle();
    expect(syncs).toHaveLength(3);
    syncs[2]!.finish();
    await expect(later).resolves.toBeUndefined();
  });

  it('keeps directories apart: one directory\'s fsync never stands in for another\'s', async () => {
    const [a, b] = [await directory(), await directory()];
    const both = [syncDirectoryGrouped(a), syncDirectoryGrouped(b)];
    await settle();
    expect(syncs.map((sync) => sync.path).sort()).toEqual([a, b].sort());
    for (const sync of syncs) sync.finish();
    await Promise.all(both);
  });
});
