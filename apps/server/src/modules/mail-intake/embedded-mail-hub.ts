import { readdir, readFile, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Config } from '../../config/config.js';
import type { MailIngest } from './mail-intake.js';
import type { Db } from '../../db/schema.js';
import { recordHubMessage } from './hub-messages.js';
import type { Logger } from 'pino';
import { hubSessionOptions } from './hub-session-options.js';
import { mailboxDirectory, startMailHub, type MailHub } from '@marketplace/mail/hub';

/** The address part of SMTP_FROM ("Marketplace <mp@acme.test>" → mp@acme.test). */
export function serverAddress(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

/**
 * The embedded mail hub (when SMTP_HOST is not set): every recipient gets a Maildir under
 * `<DATA_DIR>/mail/`, so agents on this machine read their releases straight from there, and mail
 * to the server's own address goes to mail intake's handler chain (agent status reports, conversations).
 * Ingested messages move from `new/` to `cur/`; those left in `new/` by a crash are taken at start.
 * It takes mail only for the addresses it serves (hub-directory.ts), within the MAIL_HUB_* limits.
 * Each stored message's Message-ID is recorded per recipient in the database (mail_hub_messages).
 */
export async function startEmbeddedMailHub(config: Config, intake: MailIngest, logger: Logger, db: Db): Promise<MailHub> {
  const own = serverAddress(config.smtp.from);
  let ownDir: string | null = null;
  try {
    ownDir = mailboxDirectory(config.dataDir, own);
  } catch {
    logger.warn({ from: config.smtp.from }, 'SMTP_FROM is not an address the mail hub can keep a mailbox for; mail to the server is not ingested');
  }

  // The server's own address, and its reply addresses with a +token (conversation threading).
  const [ownLocal, ownDomain] = own.split('@') as [string, string];
  const isOwn = (recipient: string) => {
    const [local, domain] = recipient.toLowerCase().split('@');
    return domain === ownDomain && (local === ownLocal || local!.startsWith(`${ownLocal}+`));
  };

  async function ingest(path: string, envelopeFrom: string, recipient = own): Promise<void> {
    try {
      const raw = await readFile(path);
      await intake.handle({ raw, envelopeFrom, recipient });
      await rename(path, join(path, '..', '..', 'cur', `${basename(path)}:2,S`)).catch(() => {});
    } catch (error) {
      logger.error({ err: error, component: 'mail-ingest' }, 'could not ingest a message');
    }
  }

  const hub = await startMailHub({
    dataDir: config.dataDir,
    host: config.host,
    port: config.smtp.listenPort,
    logger: logger.child({ component: 'mail-hub' }),
    ...hubSessionOptions(config, db, own),
    // Before the 250: a sender's retry on any host finds the message recorded (send-release-job).
    record: (stored) => recordHubMessage(db, stored.messageId, stored.deliveries.map((delivery) => delivery.recipient)),
    onStored: async (stored) => {
      for (const delivery of stored.deliveries) if (isOwn(delivery.recipient)) await ingest(delivery.path, stored.envelopeFrom, delivery.recipient.toLowerCase());
    },
  });
  if (ownDir) {
    const pending = await readdir(join(ownDir, 'new')).catch(() => [] as string[]);
    for (const name of pending) await ingest(join(ownDir, 'new', name), '');
  }
  return hub;
}
