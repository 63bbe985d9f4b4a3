import { readdir, readFile, rename, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import { mailboxDirectory, readHubEnvelope, startMailHub, type HubEnvelope, type MailHub } from '@marketplace/mail/hub';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import type { IncomingMailQueue } from './incoming-mail-queue.js';
import { storeIncomingMail } from './incoming-mail-repository.js';
import { recordHubMessage } from './hub-messages.js';
import { hubSessionOptions } from './hub-session-options.js';

/** The address part of SMTP_FROM ("Marketplace <mp@acme.test>" → mp@acme.test). */
export function serverAddress(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

/** How often the Maildirs of the server's own addresses are looked at for mail not recorded yet (a crash right after the 250). */
const RESCAN_EVERY_MS = 10_000;
/** Files younger than this are left to the listener that is recording them. */
const RESCAN_MIN_AGE_MS = 2_000;

/**
 * The embedded mail hub (when SMTP_HOST is not set): every recipient gets a Maildir under
 * `<DATA_DIR>/mail/`, so agents on this machine read their releases straight from there. Mail to
 * the server's own address (and its +token reply addresses) is recorded in incoming_mail with the
 * envelope the hub stored beside it, moved from `new/` to `cur/`, and processed by the queue.
 * Copies left in `new/` by a crash are recorded at start and by a rescan every 10 s.
 * It takes mail only for the addresses it serves (hub-directory.ts), within the MAIL_HUB_* limits,
 * and records each stored Message-ID per recipient in the database (mail_hub_messages) before the 250.
 */
export async function startEmbeddedMailHub(config: Config, services: { db: Db; mailQueue: IncomingMailQueue }, logger: Logger): Promise<MailHub> {
  const own = serverAddress(config.smtp.from);
  try {
    mailboxDirectory(config.dataDir, own);
  } catch {
    logger.warn({ from: config.smtp.from }, 'SMTP_FROM is not an address the mail hub can keep a mailbox for; mail to the server is not ingested');
  }
  const log = logger.child({ component: 'mail-ingest' });

  // The server's own address, and its reply addresses with a +token (conversation threading).
  const [ownLocal, ownDomain] = own.split('@') as [string, string];
  const isOwn = (recipient: string) => {
    const [local, domain] = recipient.toLowerCase().split('@');
    return domain === ownDomain && (local === ownLocal || local!.startsWith(`${ownLocal}+`));
  };

  /** Records one copy in incoming_mail (once per Message-ID) and moves it to cur/. */
  async function record(path: string, known?: HubEnvelope): Promise<void> {
    try {
      const envelope = known ?? (await envelopeOf(path));
      const raw = await readFile(path);
      await storeIncomingMail(services.db, raw, { from: envelope.from, to: [envelope.recipient], clientAddress: envelope.clientAddress, receivedAt: envelope.receivedAt });
      await rename(path, join(path, '..', '..', 'cur', `${basename(path)}:2,S`)).catch(() => {});
      services.mailQueue.kick();
    } catch (error) {
      log.error({ err: error, file: basename(path) }, 'could not record an incoming message; it stays in new/ and is tried again');
    }
  }

  let rescanning = false;
  async function rescan(minAgeMs: number): Promise<void> {
    if (rescanning) return;
    rescanning = true;
    try {
      const root = join(config.dataDir, 'mail');
      for (const mailbox of await readdir(root).catch(() => [] as string[])) {
        if (!isOwn(mailbox)) continue;
        const dir = join(root, mailbox, 'new');
        for (const name of await readdir(dir).catch(() => [] as string[])) {
          const info = await stat(join(dir, name)).catch(() => null);
          if (info?.isFile() && Date.now() - info.mtimeMs >= minAgeMs) await record(join(dir, name));
        }
      }
    } finally {
      rescanning = false;
    }
  }

  const hub = await startMailHub({
    dataDir: config.dataDir,
    host: config.host,
    port: config.smtp.listenPort,
    logger: logger.child({ component: 'mail-hub' }),
    ...hubSessionOptions(config, services.db, own),
    // Before the 250: a sender's retry on any host finds the message recorded (send-release-job).
    record: (stored) => recordHubMessage(services.db, stored.messageId, stored.deliveries.map((delivery) => delivery.recipient)),
    onStored: async (stored) => {
      for (const delivery of stored.deliveries) {
        if (!isOwn(delivery.recipient)) continue;
        await record(delivery.path, { from: stored.envelopeFrom.toLowerCase(), recipient: delivery.recipient, clientAddress: stored.clientAddress, receivedAt: stored.receivedAt });
      }
    },
  });
  await rescan(0);
  const timer = setInterval(() => void rescan(RESCAN_MIN_AGE_MS), RESCAN_EVERY_MS);
  timer.unref();
  return {
    host: hub.host,
    port: hub.port,
    close: async () => {
      clearInterval(timer);
      await hub.close();
    },
  };
}

/**
 * The envelope the hub wrote at the top of the copy; copies stored before the hub wrote a Received
 * line carry at least Return-Path and Delivered-To (the file's time stands in for the arrival).
 */
async function envelopeOf(path: string): Promise<HubEnvelope> {
  const envelope = await readHubEnvelope(path);
  if (envelope) return envelope;
  const head = (await readFile(path)).subarray(0, 4096).toString('latin1');
  const legacy = /^Return-Path: <([^<>\r\n]*)>\r\nDelivered-To: ([^\r\n]+)\r\n/.exec(head);
  const { mtime } = await stat(path);
  return { from: legacy?.[1]?.toLowerCase() ?? '', recipient: legacy?.[2]?.toLowerCase() ?? '', clientAddress: '', receivedAt: mtime };
}
