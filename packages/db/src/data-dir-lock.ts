import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { DatabaseError } from './errors.js';

interface LockOwner {
  pid: number;
  hostname: string;
  /** Kernel start time of the process (Linux), so a recycled pid is not taken for the owner. */
  processStart: string | null;
  lockedAt: string;
}

/** An exclusive lock on an embedded data directory: a file holding the owner's pid. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the ")" that closes the command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.hostname !== hostname()) return true; // cannot tell: assume it is running
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStartOf(owner.pid);
  return owner.processStart === null || start === null || start === owner.processStart;
}

function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return null;
    return { pid: parsed.pid, hostname: parsed.hostname, processStart: parsed.processStart ?? null, lockedAt: String(parsed.lockedAt) };
  } catch {
    return null; // gone, unreadable or half-written: treated as stale
  }
}

/**
 * Takes `<path>` for this process, or throws DATABASE_IN_USE naming the process that holds it.
 * A lock left by a process that died (kill -9, power loss) is detected and taken over.
 */
export function acquireDataDirLock(path: string, settingHint: string): DataDirLock {
  const me: LockOwner = { pid: process.pid, hostname: hostname(), processStart: processStartOf(process.pid), lockedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
      return {
        path,
        release: () => {
          const owner = readOwner(path);
          if (owner?.pid === me.pid && owner.hostname === me.hostname) unlinkSync(path);
        },
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new DatabaseError('DATA_DIR_UNUSABLE', `Cannot create the lock file ${path}: ${(error as Error).message}. Check that ${settingHint} points to a directory this user can write.`, { cause: error });
      }
    }
    const owner = readOwner(path);
    if (owner && isAlive(owner)) {
      const where = owner.hostname === me.hostname ? '' : ` on host ${owner.hostname}`;
      throw new DatabaseError(
        'DATABASE_IN_USE',
        `The embedded database is in use by process ${owner.pid}${where} (since ${owner.lockedAt}; lock file ${path}). ` +
          'Stop that process first, or set DATABASE_URL to a PostgreSQL server to run several processes on one database. ' +
          'If you are sure no process uses it, delete the lock file.',
      );
    }
    try {
      unlinkSync(path); // stale: its owner is gone
    } catch {}
  }
  throw new DatabaseError('DATABASE_IN_USE', `Another process took the embedded database lock ${path} while this one was starting. Stop the other process and start again.`);
}
