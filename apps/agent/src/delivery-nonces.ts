import { readJson, writeJsonAtomic } from './json-file.js';

/** How many nonces are remembered at most; the oldest-expiring go first (a statement lives at most 31 days). */
export const MAX_REMEMBERED_NONCES = 10_000;

interface NonceEntry {
  /** When the statement expires: after that it is refused as expired, so the nonce can be forgotten. */
  expiresAt: string;
  /** The mail (sha256 of its bytes) that used it. */
  mail: string;
}

/**
 * `state/delivery-nonces.json`: the nonces of delivery statements this agent accepted, kept until
 * their statements expire (and at most MAX_REMEMBERED_NONCES), so a copy of a mail is refused as
 * replayed. The same mail processed again after a crash (its journal entry still "processing") is
 * not a replay.
 */
export function createNonceStore(path: string, options: { max?: number } = {}) {
  let lock: Promise<unknown> = Promise.resolve();
  const max = options.max ?? MAX_REMEMBERED_NONCES;
  const load = async () => (await readJson<Record<string, NonceEntry>>(path)) ?? {};

  return {
    /** Whether `nonce` was used before, by another mail or by this one in an earlier, finished run. */
    async seen(nonce: string, mail: string, resumingThisMail: boolean): Promise<boolean> {
      await lock;
      const entry = (await load())[nonce];
      return entry !== undefined && !(resumingThisMail && entry.mail === mail);
    },
    /** Remembers an accepted nonce; forgets expired ones, and the oldest beyond the bound. */
    remember(nonce: string, expiresAt: string, mail: string, now = new Date()): Promise<void> {
      const next = lock.then(async () => {
        const all = await load();
        all[nonce] = { expiresAt, mail };
        const live = Object.entries(all)
          .filter(([, entry]) => Date.parse(entry.expiresAt) > now.getTime())
          .sort(([, a], [, b]) => Date.parse(b.expiresAt) - Date.parse(a.expiresAt))
          .slice(0, max);
        await writeJsonAtomic(path, Object.fromEntries(live));
      });
      lock = next.catch(() => {});
      return next;
    },
  };
}

export type NonceStore = ReturnType<typeof createNonceStore>;
