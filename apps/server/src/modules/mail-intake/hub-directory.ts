import { LRUCache } from 'lru-cache';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../../db/schema.js';

/**
 * How long a looked-up answer is trusted when no change notification arrives (a LISTEN connection
 * down, a database without LISTEN): a served address for a minute, an unknown one for 10 s. With
 * notifications (watchHubDirectory) a revoked or removed mailbox is forgotten at its commit.
 */
const SERVED_TTL_MS = 60_000;
const UNKNOWN_TTL_MS = 10_000;

/** The channel migration 1501's triggers notify with an address whose answer may have changed. */
export const HUB_DIRECTORY_CHANNEL = 'hub_directory';

export interface HubDirectoryInput {
  db: Db;
  /** The service address (SMTP_FROM's address); its `+token` reply addresses are served too. */
  serviceAddress: string;
  /** Mailboxes the administrator set up (MAIL_HUB_MAILBOXES), lower-cased. */
  extraMailboxes: readonly string[];
}

/** Whether any enrolled (not revoked) agent has this mailbox, or any account this e-mail address. */
async function isKnownMailbox(db: Db, address: string): Promise<boolean> {
  const row = await db
    .selectFrom('agents')
    .select(sql<number>`1`.as('hit'))
    .where(({ fn, eb }) => eb(fn('lower', ['mailbox']), '=', address))
    .where('revoked_at', 'is', null)
    .unionAll(db.selectFrom('users').select(sql<number>`1`.as('hit')).where(({ fn, eb }) => eb(fn('lower', ['email']), '=', address)))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The addresses the embedded hub takes mail for: agents' mailboxes, accounts' e-mail addresses (the
 * server's own mail to people lands there), the service address and its `+token` reply addresses,
 * and the administrator's extra mailboxes. Asked at every RCPT TO, so database answers are cached
 * (an LRU with a TTL; concurrent asks for one address share one query).
 */
export function createHubDirectory(input: HubDirectoryInput) {
  const [serviceLocal, serviceDomain] = input.serviceAddress.toLowerCase().split('@') as [string, string];
  const fixed = new Set(input.extraMailboxes.map((address) => address.toLowerCase()));
  const cache = new LRUCache<string, boolean>({
    max: 20_000,
    ttl: SERVED_TTL_MS,
    fetchMethod: async (address, _stale, { options }) => {
      const known = await isKnownMailbox(input.db, address);
      if (!known) options.ttl = UNKNOWN_TTL_MS;
      return known;
    },
  });

  return {
    isService(address: string): boolean {
      const [local, domain] = address.toLowerCase().split('@');
      return domain === serviceDomain && (local === serviceLocal || Boolean(local?.startsWith(`${serviceLocal}+`)));
    },
    /** `address` is lower-cased and safe as a directory name (the hub checked it). */
    async serves(address: string): Promise<boolean> {
      if (this.isService(address) || fixed.has(address)) return true;
      try {
        return (await cache.fetch(address)) ?? false;
      } catch (error) {
        // A look-up cut short because the address changed meanwhile (forget) is asked again, uncached.
        if (cache.has(address)) throw error;
        return isKnownMailbox(input.db, address);
      }
    },
    /** Drops the cached answer for an address (it changed in the database), and any look-up of it in flight. */
    forget(address: string): void {
      cache.delete(address.toLowerCase());
    },
  };
}

/**
 * Keeps the directory true at once: forgets an address when the database notifies that it changed
 * (revoked or deleted agent, changed or removed account, in any process). Resolves to a function that
 * stops. Without LISTEN, or while it cannot be set up, the cache's time-to-live is the bound.
 */
export async function watchHubDirectory(directory: Pick<HubDirectory, 'forget'>, database: { listen?: ((channel: string, onMessage: (payload: string) => void) => Promise<() => Promise<void>>) | undefined }, logger: Logger): Promise<() => Promise<void>> {
  if (!database.listen) return async () => undefined;
  try {
    return await database.listen(HUB_DIRECTORY_CHANNEL, (payload) => {
      if (payload) directory.forget(payload);
    });
  } catch (error) {
    logger.warn({ err: error, component: 'mail-hub' }, `could not LISTEN for mailbox changes: a revoked mailbox is refused within ${SERVED_TTL_MS / 1000} s instead of at once`);
    return async () => undefined;
  }
}

export type HubDirectory = ReturnType<typeof createHubDirectory>;
