import { closeSync, fsync, openSync } from 'node:fs';
import { promisify } from 'node:util';

const fsyncDescriptor = promisify(fsync);

/** One directory's fsyncs: the one running, and the one that starts after it for everyone who asked meanwhile. */
interface DirectoryGroup {
  running: Promise<void> | null;
  queued: Promise<void> | null;
}

const groups = new Map<string, DirectoryGroup>();
const ignore = () => undefined;

/** fsync of a directory makes a rename in it durable (Linux, macOS). Opening and closing block for microseconds; the fsync waits in libuv's threads. */
export async function syncDirectory(path: string): Promise<void> {
  const dir = openSync(path, 'r');
  try {
    await fsyncDescriptor(dir);
  } finally {
    closeSync(dir);
  }
}

function start(group: DirectoryGroup, path: string): Promise<void> {
  const sync: Promise<void> = syncDirectory(path).finally(() => {
    if (group.running === sync) group.running = null;
    if (!group.running && !group.queued) groups.delete(path);
  });
  group.running = sync;
  return sync;
}

/**
 * Makes every rename already done in `path` durable, sharing the fsync with concurrent callers
 * (group commit): a caller never rides on an fsync that began before it asked, so when this
 * resolves its own rename is on disk; callers who ask while one runs share the single next one.
 * Twenty sessions committing at once cost about two directory fsyncs instead of twenty.
 * A failed fsync fails every caller that shared it.
 */
export function syncDirectoryGrouped(path: string): Promise<void> {
  let group = groups.get(path);
  if (!group) {
    group = { running: null, queued: null };
    groups.set(path, group);
  }
  if (group.queued) return group.queued;
  if (!group.running) return start(group, path);
  const waiting = group;
  waiting.queued = waiting.running!.then(ignore, ignore).then(() => {
    waiting.queued = null;
    return start(waiting, path);
  });
  return waiting.queued;
}
