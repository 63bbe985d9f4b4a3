import { openImapMailbox, type Mailbox } from '@marketplace/mail';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import { serverAddress } from './embedded-mail-hub.js';
import type { Db } from '../../db/schema.js';
import type { IncomingMailQueue } from './incoming-mail-queue.js';
import { storeIncomingMail } from './incoming-mail-repository.js';
import { pollMailbox } from './poll-mailbox.js';
import { serialPasses } from './serial-passes.js';

/** How often the service mailbox is read besides IMAP IDLE (a server without IDLE, a missed notice). */
const POLL_EVERY_MS = 60_000;

export interface ServiceMailbox {
  /** One pass over the inbox now (passes never overlap: a call during a pass runs one more after it). */
  poll(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The service mailbox (IMAP_HOST…): mail to the marketplace address that the organisation's mail
 * server keeps in an IMAP account. Each message is stored in incoming_mail (raw in the row, keyed by
 * Message-ID) and only then moved to Marketplace/Processed; the mail queue processes it exactly like
 * mail the embedded hub receives (agent status reports, then conversations with their sender proof).
 * Read at start, on IDLE and every minute.
 */
export async function startServiceMailbox(config: Config, services: { db: Db; mailQueue: IncomingMailQueue }, logger: Logger, open: () => Promise<Mailbox> = () => openConfigured(config, logger)): Promise<ServiceMailbox> {
  const log = logger.child({ component: 'service-mailbox' });
  const mailbox = await open();
  const own = serverAddress(config.smtp.from);
  let closed = false;

  const pass = async () => {
    const taken = await pollMailbox(mailbox, own, async (raw, envelope) => ({ outcome: (await storeIncomingMail(services.db, raw, envelope)).fresh ? 'stored' : 'duplicate' }));
    if (taken.length) {
      services.mailQueue.kick();
      log.info({ messages: taken.length }, 'service mailbox read');
    }
  };
  const poll = serialPasses(pass, (error) => log.warn({ err: error }, 'could not read the service mailbox; trying again on the next change or in a minute'), () => closed);
  let current: Promise<void> | null = null;
  const tracked = () => (current = poll());

  const stopWatching = mailbox.watch(() => void tracked());
  const timer = setInterval(() => void tracked(), POLL_EVERY_MS);
  timer.unref();
  await tracked();
  return {
    poll: tracked,
    async close() {
      closed = true;
      clearInterval(timer);
      stopWatching();
      await current?.catch(() => {});
      await mailbox.close();
    },
  };
}

function openConfigured(config: Config, logger: Logger): Promise<Mailbox> {
  const { host, port, secure, user, pass } = config.imap;
  return openImapMailbox({ host: host!, port, secure, user: user!, pass: pass!, logger: logger.child({ component: 'imap' }) });
}
