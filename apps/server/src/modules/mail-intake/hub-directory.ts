import { LRUCache } from 'lru-cache';
import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';

/** How long a looked-up answer is trusted: a served address for a minute, an unknown one for 10 s (a new agent's first mail waits at most that). */
const SERVED_TTL_MS = 60_000;
const UNKNOWN_TTL_MS = 10_000;

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
      return (await cache.fetch(address)) ?? false;
    },
  };
}

export type HubDirectory = ReturnType<typeof createHubDirectory>;
