import { closeSync, fsync as fsyncCallback, open as openCallback, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MailError } from '../mail-error.js';
import { syncDirectoryGrouped } from './grouped-directory-sync.js';
import { maildirFileName, type DeliveredFile } from './maildir-delivery.js';

const fsyncFile = promisify(fsyncCallback);
const openFile = promisify(openCallback);

/** One message being written into a Maildir's `tmp/` while it arrives; `commit` moves it to `new/`. */
export interface MaildirWriter {
  write(chunk: Buffer): Promise<void>;
  /** fsync, rename into `new/` (the name carries the final size), fsync `new/` (one fsync for all commits waiting on it). */
  commit(): Promise<DeliveredFile>;
  /** Removes the half-written file; safe to call at any time, also after a failed write. */
  abort(): Promise<void>;
}

/**
 * Opens a file in `<root>/tmp/` for a message that is still arriving, so a large message goes to
 * disk chunk by chunk and is never held in memory whole. `prefix` (the hub's own header lines) is
 * written first. Readers never see it before `commit`.
 *
 * Write, close and rename are blocking calls: each takes microseconds (the data goes to the page cache),
 * where a trip through libuv's four shared threads waited behind other sessions' fsyncs (decision 0075).
 * Creating the file and the fsyncs go to those threads: a create waits for the filesystem's journal while it
 * commits other sessions' fsyncs, and would hold up every session of the hub's thread meanwhile.
 */
export async function openMaildirWriter(root: string, prefix: Buffer, options: { fsync?: boolean } = {}): Promise<MaildirWriter> {
  const fsync = options.fsync ?? true;
  const tmpName = maildirFileName(0).replace(/,S=0$/, '');
  const tmpPath = join(root, 'tmp', tmpName);
  let fd: number | null = null;
  let size = 0;
  const fail = (error: unknown): never => {
    throw new MailError('MAILDIR_IO', `Could not store a message in the Maildir ${root}: ${(error as Error).message}. Check that the directory exists, is writable and the disk is not full.`, { cause: error, retryable: true });
  };
  const closeFile = () => {
    if (fd === null) return;
    const open = fd;
    fd = null;
    closeSync(open);
  };
  try {
    fd = await openFile(tmpPath, 'wx', 0o600);
  } catch (error) {
    fail(error);
  }
  const write = async (chunk: Buffer) => {
    if (fd === null) throw new MailError('MAILDIR_IO', `The Maildir file ${tmpPath} is already closed.`);
    try {
      // a single write may be short: continue until every byte is written
      for (let offset = 0; offset < chunk.length; ) offset += writeSync(fd, chunk, offset, chunk.length - offset);
      size += chunk.length;
    } catch (error) {
      fail(error);
    }
  };
  await write(prefix);
  return {
    write,
    async commit() {
      const name = `${tmpName},S=${size}`;
      const newPath = join(root, 'new', name);
      try {
        if (fsync) await fsyncFile(fd!);
        closeFile();
        renameSync(tmpPath, newPath);
        // shared with other messages committed into new/ at the same moment (group commit), still before the 250
        if (fsync) await syncDirectoryGrouped(join(root, 'new'));
      } catch (error) {
        fail(error);
      }
      return { path: newPath, name, size };
    },
    async abort() {
      try {
        closeFile();
      } catch {
        // already failed: the file goes anyway
      }
      try {
        unlinkSync(tmpPath);
      } catch {
        // never created, or already moved
      }
    },
  };
}
