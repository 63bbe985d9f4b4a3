import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireDataDirLock, isDatabaseError, type DataDirLock } from '@marketplace/db';
import type { Logger } from 'pino';

const OWNER_FILE = 'owner.lock';
/** Directories of the version before owner files: removed once clearly abandoned. */
const LEGACY_PREFIX = 'validate-';
const LEGACY_AGE_MS = 60 * 60_000;

export interface WorkDir {
  /** This process's own directory under the root: validations make theirs inside it. */
  readonly path: string;
  /** Removes this process's directory (on a clean stop). */
  close(): Promise<void>;
}

/**
 * This worker's scratch space under `root` (shared by the workers of one machine): a directory of
 * its own holding an owner file (pid, host, process start). At start, the directories of owners that
 * are gone (a worker killed with -9, a power loss) are removed; those of live workers, or of another
 * host on a shared volume, are left alone.
 */
export async function openWorkDir(root: string, logger: Logger): Promise<WorkDir> {
  await mkdir(root, { recursive: true });
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name);
    if (entry.name.startsWith(LEGACY_PREFIX)) {
      const info = await stat(dir).catch(() => null);
      if (info && Date.now() - info.mtimeMs > LEGACY_AGE_MS) await rm(dir, { recursive: true, force: true });
      continue;
    }
    // A directory without its owner file yet may be a worker's that is starting this very moment.
    const owned = await stat(join(dir, OWNER_FILE)).then(() => true, () => false);
    if (!owned) {
      const info = await stat(dir).catch(() => null);
      if (!info || Date.now() - info.mtimeMs < 60_000) continue;
    }
    let lock: DataDirLock;
    try {
      lock = acquireDataDirLock(join(dir, OWNER_FILE), 'TMPDIR');
    } catch (error) {
      if (isDatabaseError(error, 'DATABASE_IN_USE')) continue; // a live worker's
      logger.warn({ err: error, dir }, 'could not check a work directory left by another worker');
      continue;
    }
    await rm(dir, { recursive: true, force: true });
    lock.release();
    logger.info({ dir }, 'removed the work directory of a worker that is gone');
  }
  const path = join(root, randomUUID());
  await mkdir(path, { recursive: true });
  acquireDataDirLock(join(path, OWNER_FILE), 'TMPDIR');
  return {
    path,
    close: () => rm(path, { recursive: true, force: true }),
  };
}
