import { watch as watchDirectory, type FSWatcher } from 'node:fs';
import { open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MAIL_LIMITS } from '../limits.js';
import { silentLogger, type MailLogger } from '../logger.js';
import { MailError } from '../mail-error.js';
import { folderSegments, type Mailbox, type MessageRef } from '../mailbox.js';
import { ensureMaildir, syncDirectory } from './maildir-delivery.js';

export interface MaildirOptions {
  logger?: MailLogger;
  /** How often `watch` re-lists as a fallback for file systems where fs.watch misses events (NFS, some containers). */
  pollIntervalMs?: number;
  /** Use fs.watch for immediate notice (default true); false polls only, for file systems where it is unreliable. */
  fsWatch?: boolean;
}

const ID = /^(new|cur)\/([^/\0]+)$/;

/**
 * A Maildir (with Maildir++ subfolders, as Dovecot and Courier lay them out) as a Mailbox: `list`
 * reads `new/` and `cur/`; `move` is one atomic rename into `.Marketplace.Processed/cur/` (seen flag
 * added), so a crash leaves a message either in the inbox or moved, never both or neither.
 */
export async function openMaildir(dir: string, options: MaildirOptions = {}): Promise<Mailbox> {
  const logger = options.logger ?? silentLogger;
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  await ensureMaildir(dir);
  const stops = new Set<() => void>();
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw new MailError('MAILBOX_CLOSED', `The Maildir ${dir} was closed; open it again to use it.`);
  };

  async function locate(ref: MessageRef): Promise<string> {
    const match = ID.exec(ref.id);
    if (!match || match[2] === '.' || match[2] === '..') {
      throw new MailError('MESSAGE_NOT_FOUND', `"${ref.id.slice(0, 100)}" is not a message id from this Maildir; use the refs list() returns.`);
    }
    const path = join(dir, ref.id);
    if (await exists(path)) return path;
    // Another reader (an IMAP server on the same Maildir, a mail client) may have moved it from new/ to cur/ and added flags.
    const unique = (match[2] ?? '').split(':')[0];
    const moved = (await readdir(join(dir, 'cur'))).find((name) => name.split(':')[0] === unique);
    if (moved) return join(dir, 'cur', moved);
    throw new MailError('MESSAGE_NOT_FOUND', `Message ${ref.id} is no longer in ${dir}: it was moved or deleted since it was listed.`);
  }

  async function listing(): Promise<MessageRef[]> {
    const refs: MessageRef[] = [];
    for (const sub of ['new', 'cur'] as const) {
      for (const name of await readdir(join(dir, sub))) {
        if (name.startsWith('.')) continue;
        const ref: MessageRef = { id: `${sub}/${name}` };
        const size = /,S=(\d+)/.exec(name)?.[1];
        if (size) ref.size = Number(size);
        const seconds = /^(\d+)\./.exec(name)?.[1];
        if (seconds) ref.receivedAt = new Date(Number(seconds) * 1000);
        refs.push(ref);
      }
    }
    return refs.sort((a, b) => (a.receivedAt?.getTime() ?? 0) - (b.receivedAt?.getTime() ?? 0) || a.id.localeCompare(b.id));
  }

  return {
    async list() {
      assertOpen();
      return listing();
    },
    async read(ref) {
      assertOpen();
      return readFile(await locate(ref));
    },
    async readHeaders(ref) {
      assertOpen();
      const file = await open(await locate(ref), 'r');
      try {
        const buffer = Buffer.alloc(DEFAULT_MAIL_LIMITS.maxHeaderBytes);
        const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await file.close();
      }
    },
    async move(ref, folder) {
      assertOpen();
      const target = join(dir, `.${folderSegments(folder).join('.')}`);
      await ensureMaildir(target);
      await writeFile(join(target, 'maildirfolder'), '', { flag: 'a' });
      const source = await locate(ref);
      const name = source.slice(source.lastIndexOf('/') + 1);
      const [unique, info] = name.split(':');
      const flags = info?.startsWith('2,') ? info.slice(2) : '';
      const seenFlags = [...new Set((flags + 'S').split(''))].sort().join('');
      await rename(source, join(target, 'cur', `${unique}:2,${seenFlags}`));
      await syncDirectory(join(target, 'cur'));
      logger.debug({ component: 'maildir', id: ref.id, folder }, 'message moved');
    },
    watch(onChange) {
      assertOpen();
      const stop = watchMaildir(dir, listing, onChange, { pollIntervalMs, fsWatch: options.fsWatch ?? true }, logger);
      stops.add(stop);
      return () => {
        stops.delete(stop);
        stop();
      };
    },
    async close() {
      closed = true;
      for (const stop of stops) stop();
      stops.clear();
    },
  };
}

function watchMaildir(
  dir: string,
  listing: () => Promise<MessageRef[]>,
  onChange: () => void,
  { pollIntervalMs, fsWatch }: { pollIntervalMs: number; fsWatch: boolean },
  logger: MailLogger,
): () => void {
  let stopped = false;
  let debounce: NodeJS.Timeout | undefined;
  let lastSignature: string | undefined;
  const notify = (): void => {
    if (stopped || debounce) return;
    debounce = setTimeout(() => {
      debounce = undefined;
      if (!stopped) onChange();
    }, 25);
  };
  const watchers: FSWatcher[] = [];
  for (const sub of fsWatch ? ['new', 'cur'] : []) {
    try {
      const watcher = watchDirectory(join(dir, sub), notify);
      watcher.on('error', (error) => logger.warn({ component: 'maildir', dir, error: error.message }, 'fs.watch failed; polling continues'));
      watchers.push(watcher);
    } catch (error) {
      logger.warn({ component: 'maildir', dir, error: (error as Error).message }, 'fs.watch unavailable; polling only');
    }
  }
  // The poll is the fallback that always works: it compares the listing and reports any change.
  const poll = async (): Promise<void> => {
    try {
      const signature = (await listing()).map((ref) => ref.id).join('\n');
      if (lastSignature !== undefined && signature !== lastSignature) notify();
      lastSignature = signature;
    } catch (error) {
      logger.warn({ component: 'maildir', dir, error: (error as Error).message }, 'Maildir poll failed');
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), pollIntervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
    if (debounce) clearTimeout(debounce);
    for (const watcher of watchers) watcher.close();
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
