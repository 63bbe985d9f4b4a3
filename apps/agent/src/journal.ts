import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from './json-file.js';

export interface JournalEntry {
  /** SHA-256 of the raw message: the same mail has the same key wherever the mailbox moved it. */
  key: string;
  phase: 'processing' | 'done';
  app?: string;
  version?: string;
  /** Set once done: where the mail goes. */
  folder?: string;
  startedAt: string;
}

/**
 * A mail is journalled before anything is done for it and marked done before it is moved, so
 * after a crash the agent knows whether to finish moving it (done) or to clean up and process it
 * again (processing) — each mail takes effect exactly once.
 */
export function createJournal(dir: string) {
  const path = (key: string) => join(dir, `${key}.json`);
  return {
    get: (key: string) => readJson<JournalEntry>(path(key)),
    put: (entry: JournalEntry) => writeJsonAtomic(path(entry.key), entry),
    remove: (key: string) => unlink(path(key)).catch(() => {}),
    async all(): Promise<JournalEntry[]> {
      const names = await readdir(dir).catch(() => [] as string[]);
      const entries: JournalEntry[] = [];
      for (const name of names.filter((n) => n.endsWith('.json'))) {
        const entry = await readJson<JournalEntry>(join(dir, name)).catch(() => undefined);
        if (entry) entries.push(entry);
      }
      return entries;
    },
  };
}

export type Journal = ReturnType<typeof createJournal>;
