import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';

const SIZE_IN_NAME = /,S=(\d+)/;

/** Bytes of mail kept in one Maildir: `new/`, `cur/` and every `.Folder/{new,cur}`, from the `,S=` in the names (a stat for names without it). */
export async function maildirBytes(root: string): Promise<number> {
  const folders = ['new', 'cur'];
  for (const entry of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory() && entry.name.startsWith('.') && entry.name !== '.' && entry.name !== '..') folders.push(join(entry.name, 'new'), join(entry.name, 'cur'));
  }
  let total = 0;
  for (const folder of folders) {
    for (const name of await readdir(join(root, folder)).catch(() => [] as string[])) {
      const size = SIZE_IN_NAME.exec(name)?.[1];
      total += size ? Number(size) : await stat(join(root, folder, name)).then((s) => s.size, () => 0);
    }
  }
  return total;
}

/**
 * What each mailbox holds, counted from its Maildir and kept for `ttlMs` (the quota check runs at
 * every RCPT TO; a recount lists the directories). Between recounts mail just stored is not yet
 * counted, so a mailbox can pass its quota by what arrives in one `ttlMs`.
 */
export function createMailboxUsage(options: { ttlMs?: number; maxMailboxes?: number } = {}) {
  const cache = new LRUCache<string, number>({
    max: options.maxMailboxes ?? 10_000,
    ttl: options.ttlMs ?? 5_000,
    fetchMethod: (root) => maildirBytes(root),
  });
  return {
    bytes: async (root: string): Promise<number> => (await cache.fetch(root)) ?? 0,
  };
}
