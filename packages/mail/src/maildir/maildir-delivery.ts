import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { MailError } from '../mail-error.js';
import { syncDirectory, syncDirectoryGrouped } from './grouped-directory-sync.js';

export { syncDirectory };

let counter = 0;

/**
 * Creates `tmp/`, `new/` and `cur/` under `root` if they are missing. With `fsync` (the default)
 * every directory it created is made durable in its parent, so a mail stored right after survives
 * a power cut together with the Maildir it lives in.
 */
export async function ensureMaildir(root: string, options: { fsync?: boolean } = {}): Promise<void> {
  const firstCreated = await mkdir(root, { recursive: true, mode: 0o700 });
  const made = await Promise.all(
    ['tmp', 'new', 'cur'].map((sub) =>
      mkdir(join(root, sub), { mode: 0o700 }).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'EEXIST') return false;
          throw error;
        },
      ),
    ),
  );
  if (options.fsync === false) return;
  const parents = new Set<string>();
  if (firstCreated !== undefined) {
    // every directory from the first one created down to root, and the one above it
    parents.add(dirname(firstCreated));
    let dir = firstCreated;
    for (const part of relative(firstCreated, root).split(sep).filter(Boolean)) {
      parents.add(dir);
      dir = join(dir, part);
    }
  }
  if (firstCreated !== undefined || made.some(Boolean)) parents.add(root);
  for (const dir of parents) await syncDirectory(dir);
}

/**
 * Removes files left in `tmp/` by a delivery that never finished (a crash, a dropped connection)
 * once they are older than `olderThanMs`. Returns how many were removed.
 */
export async function cleanMaildirTmp(root: string, olderThanMs: number, now = Date.now()): Promise<number> {
  const dir = join(root, 'tmp');
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || now - info.mtimeMs < olderThanMs) continue;
    if (await unlink(path).then(() => true, () => false)) removed += 1;
  }
  return removed;
}

/**
 * A Maildir file name: unique on this host without locks (time, pid, counter, random), with the
 * size (`,S=`) so readers can skip large mail without a stat. See https://cr.yp.to/proto/maildir.html.
 */
export function maildirFileName(size: number, now = Date.now()): string {
  counter = (counter + 1) % 1_000_000_000;
  const seconds = Math.floor(now / 1000);
  const micros = (now % 1000) * 1000;
  const host = hostname().replace(/\//g, '\\057').replace(/:/g, '\\072') || 'localhost';
  return `${seconds}.M${micros}P${process.pid}Q${counter}R${randomBytes(4).toString('hex')}.${host},S=${size}`;
}

export interface DeliveredFile {
  /** Absolute path of the file in `new/`. */
  path: string;
  /** File name (the same in `tmp/` and `new/`). */
  name: string;
  size: number;
}

/**
 * Stores one message the Maildir way: write to `tmp/`, fsync the file, rename into `new/`,
 * fsync `new/`. When this resolves the message is on disk and survives a crash or kill -9;
 * readers never see a half-written file. `parts` are written one after another (a delivery
 * header, then the message), so a large message is not copied to prepend a line.
 */
export async function deliverToMaildir(
  root: string,
  parts: Buffer | Buffer[],
  options: { fsync?: boolean; /** chown before the rename (a Maildir served by another user, as root only) */ owner?: { uid: number; gid: number } } = {},
): Promise<DeliveredFile> {
  const fsync = options.fsync ?? true;
  const chunks = Array.isArray(parts) ? parts : [parts];
  const size = chunks.reduce((total, chunk) => total + chunk.length, 0);
  const name = maildirFileName(size);
  const tmpPath = join(root, 'tmp', name);
  const newPath = join(root, 'new', name);
  try {
    const file = await open(tmpPath, 'wx', 0o600);
    try {
      // writeFile writes every byte (a single write may be short) and continues at the current position
      for (const chunk of chunks) await file.writeFile(chunk);
      if (options.owner) await file.chown(options.owner.uid, options.owner.gid);
      if (fsync) await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmpPath, newPath);
    if (fsync) await syncDirectoryGrouped(join(root, 'new'));
  } catch (error) {
    await unlink(tmpPath).catch(() => {});
    throw new MailError('MAILDIR_IO', `Could not store a message in the Maildir ${root}: ${(error as Error).message}. Check that the directory exists, is writable and the disk is not full.`, { cause: error, retryable: true });
  }
  return { path: newPath, name, size };
}
