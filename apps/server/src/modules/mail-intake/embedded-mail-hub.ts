import { createHash } from 'node:crypto';
import { readdir, readFile, rename, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import { normalMessageId, readHeaders, DEFAULT_MAIL_LIMITS } from '@marketplace/mail';
import { mailboxDirectory, parseHubEnvelope, startMailHubThread, type MailHubThread, type ParsedHubEnvelope, type StoredMail } from '@marketplace/mail/hub';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import type { IncomingMailQueue } from './incoming-mail-queue.js';
import { contentMessageId, type HubCopy } from './incoming-mail-repository.js';
import { createHubRecorder } from './hub-messages.js';
import { ensureMailStoreId } from './mail-store-id.js';
import { hubSessionOptions } from './hub-session-options.js';
import { createHubDirectory, watchHubDirectory } from './hub-directory.js';
import type { ServerDatabase } from '../../db/database.js';

/** The address part of SMTP_FROM ("Marketplace <mp@acme.test>" → mp@acme.test). */
export function serverAddress(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

/** How often the Maildirs of the server's own addresses are looked at for mail not recorded yet (a crash right after the 250). */
const RESCAN_EVERY_MS = 10_000;
/**
 * How long the hub's thread keeps a served recipient without asking again. Change notifications forget it
 * at once; without them (no LISTEN) a revoked mailbox is refused within the directory's own bound plus this.
 */
const ACCEPTED_IN_THREAD_MS = 5_000;
/** Files younger than this are left to the listener that is recording them. */
const RESCAN_MIN_AGE_MS = 2_000;

/**
 * The embedded mail hub (when SMTP_HOST is not set): every recipient gets a Maildir under
 * `<DATA_DIR>/mail/`, so agents on this machine read their releases straight from there. Mail to
 * the server's own address (and its +token reply addresses) is recorded in incoming_mail with the
 * envelope the hub stored beside it, moved from `new/` to `cur/`, and processed by the queue.
 * Copies left in `new/` by a crash are recorded at start and by a rescan every 10 s.
 * It takes mail only for the addresses it serves (hub-directory.ts), within the MAIL_HUB_* limits,
 * and, before the 250, records the Message-ID per recipient (mail_hub_messages) of the mail the server sent
 * itself (its release job asks for it after a crash) and the incoming_mail rows of mail to its own addresses;
 * other mail (an outside sender to an agent's mailbox) is answered once on disk, with no record nobody reads.
 * The SMTP listener runs in a worker thread of its own (startMailHubThread, decision 0068): taking mail
 * never waits for the processing of mail or for the embedded database's work on this thread, except for
 * the directory look-up and the record before the 250, which it asks this thread for.
 */
export async function startEmbeddedMailHub(config: Config, services: { db: Db; mailQueue: IncomingMailQueue; database?: Pick<ServerDatabase, 'listen'> }, logger: Logger): Promise<MailHubThread> {
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

  const store = await ensureMailStoreId(config.dataDir);
  /** The rows for copies to the server's own addresses: the Maildir file is the raw copy, the row refers to it. */
  const ownCopies = (stored: StoredMail): HubCopy[] =>
    stored.deliveries
      .filter((delivery) => isOwn(delivery.recipient))
      .map((delivery) => ({
        messageId: stored.messageId ?? contentMessageId(stored.sha256),
        rawPath: `${basename(delivery.maildir)}/${basename(delivery.path)}`,
        store,
        size: stored.size,
        envelope: { from: stored.envelopeFrom, to: [delivery.recipient], clientAddress: stored.clientAddress, receivedAt: stored.receivedAt },
      }));
  const recorder = createHubRecorder(services.db, ownCopies);
  /** A recorded copy moves from new/ to cur/ (so the rescan skips it) and the queue is woken. */
  const markRecorded = (path: string) => rename(path, join(path, '..', '..', 'cur', `${basename(path)}:2,S`)).catch(() => {});

  /** A copy a crash left in new/ (stored, maybe not recorded): recorded with the envelope stored in it, then moved to cur/. */
  async function recordLeftover(path: string): Promise<void> {
    try {
      const file = await readFile(path);
      const envelope = await envelopeOf(path, file);
      const message = file.subarray(envelope.headerBytes);
      let messageId: string | undefined;
      try {
        messageId = normalMessageId(readHeaders(message, DEFAULT_MAIL_LIMITS.maxHeaderBytes).headers.first('Message-ID'));
      } catch {
        messageId = undefined; // recorded under an id made from its content
      }
      const sha256 = createHash('sha256').update(message).digest('hex');
      const maildir = join(path, '..', '..');
      await recorder({ envelopeFrom: envelope.from, deliveries: [{ recipient: envelope.recipient, maildir, path }], size: file.length, messageId, sha256, clientAddress: envelope.clientAddress, receivedAt: envelope.receivedAt });
      await markRecorded(path);
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
          if (info?.isFile() && Date.now() - info.mtimeMs >= minAgeMs) await recordLeftover(join(dir, name));
        }
      }
    } finally {
      rescanning = false;
    }
  }

  // Who it takes mail for: cached per address, forgotten at once when the database says it changed.
  const directory = createHubDirectory({ db: services.db, serviceAddress: own, extraMailboxes: config.mailHub.mailboxes });
  let hub: MailHubThread | undefined = undefined;
  // The hub's thread keeps recipients it was told are served for a few seconds: a change forgets them there too.
  const forget = (address: string) => {
    directory.forget(address);
    hub?.forget(address);
  };
  const unwatch = services.database ? await watchHubDirectory({ forget }, services.database, logger) : async () => undefined;
  let thread: MailHubThread;
  try {
    thread = await startMailHubThread({
      dataDir: config.dataDir,
      host: config.host,
      port: config.smtp.listenPort,
      logger: logger.child({ component: 'mail-hub' }),
      logLevel: logger.level,
      ...hubSessionOptions(config, directory),
      // the directory serves these always: the thread answers them without asking
      servedLocally: { addresses: [own, ...config.mailHub.mailboxes], withTags: [own] },
      acceptedForMs: ACCEPTED_IN_THREAD_MS,
      // Before the 250, batched with other sessions: a sender's retry on any host finds the message
      // (send-release-job), and mail to the server's own addresses is in the queue.
      record: recorder,
      // from the server (its envelope sender is SMTP_FROM or its +return path) or to its own addresses
      recordsOnlyFor: { addresses: [own], withTags: [own] },
      // onStored() acts on the server's own addresses only, which are always recorded
      onStoredFor: 'recorded',
      onStored: async (stored) => {
        const own = stored.deliveries.filter((delivery) => isOwn(delivery.recipient));
        if (own.length === 0) return;
        await Promise.all(own.map((delivery) => markRecorded(delivery.path)));
        services.mailQueue.kick();
      },
    });
  } catch (error) {
    await unwatch();
    throw error;
  }
  hub = thread;
  await rescan(0);
  const timer = setInterval(() => void rescan(RESCAN_MIN_AGE_MS), RESCAN_EVERY_MS);
  timer.unref();
  return {
    ...thread, // failure() and restarts(): a thread that dies is started again on the same port
    forget,
    close: async () => {
      clearInterval(timer);
      await thread.close();
      await unwatch();
    },
  };
}

/**
 * The envelope the hub wrote at the top of the copy; copies stored before the hub wrote a Received
 * line carry at least Return-Path and Delivered-To (the file's time stands in for the arrival).
 */
async function envelopeOf(path: string, file: Buffer): Promise<ParsedHubEnvelope> {
  const envelope = parseHubEnvelope(file);
  if (envelope) return envelope;
  const legacy = /^Return-Path: <([^<>\r\n]*)>\r\nDelivered-To: ([^\r\n]+)\r\n/.exec(file.subarray(0, 4096).toString('latin1'));
  const { mtime } = await stat(path);
  return { from: legacy?.[1]?.toLowerCase() ?? '', recipient: legacy?.[2]?.toLowerCase() ?? '', clientAddress: '', receivedAt: mtime, headerBytes: legacy?.[0].length ?? 0 };
}
