import { createHash } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { DEFAULT_MAIL_LIMITS } from '../limits.js';
import { silentLogger, type MailLogger } from '../logger.js';
import { MailError } from '../mail-error.js';
import { cleanMaildirTmp, ensureMaildir } from '../maildir/maildir-delivery.js';
import { openMaildirWriter, type MaildirWriter } from '../maildir/maildir-writer.js';
import { setGreetingDelay, SMTP_SERVER_GREETING_DELAY_MS } from './greeting-delay.js';
import { hubEnvelopeHeader } from './hub-envelope.js';
import { hubSessionPolicy, smtpError, type HubLimits } from './hub-session-policy.js';
import { mailboxDirectory } from './safe-address.js';

export interface StoredMail {
  /** MAIL FROM ('' for the null sender). */
  envelopeFrom: string;
  deliveries: { recipient: string; maildir: string; path: string }[];
  size: number;
  /** The message's Message-ID when it has a usable one (normalMessageId), else undefined (always undefined with `readsMessageId: false`). */
  messageId: string | undefined;
  /** With `readsMessageId: false`: the message's header block as received (at most the header limit, a copy of its own), for the caller to read. */
  head?: Uint8Array | undefined;
  /** Hex sha256 of the message as the client sent it (without the hub's own lines): an id for mail without a Message-ID. */
  sha256: string;
  /** The client's IP address, as written in each copy's Received line. */
  clientAddress: string;
  receivedAt: Date;
}

export interface MailHubOptions {
  /** Mail goes to `<dataDir>/mail/<address>/` (a Maildir per recipient). */
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  maxMessageBytes?: number;
  logger?: MailLogger;
  /** Whether to take mail for this recipient (lower-cased, safe as a directory); refused ones get 550 5.1.1. Runs at every RCPT TO: keep it cheap (cache). Default: every safe address. */
  accept?(recipient: string): boolean | Promise<boolean>;
  /** Rate limits per client and per sender, and the mailbox quota (each off unless given). */
  limits?: Partial<HubLimits>;
  /** Pause before the 220 greeting, in ms; a client that speaks first is refused (421). Default 0 on loopback, 100 (smtp-server's own) elsewhere. */
  greetingDelayMs?: number;
  /**
   * Awaited once every copy is durable on disk, before the 250: what must be known beyond this
   * machine (a sender's duplicate check on another host). A failure answers 451 and removes the copies.
   */
  record?(info: StoredMail): Promise<void>;
  /**
   * Which mail record() is awaited for (default: all). Other mail gets its 250 once it is on disk, with
   * onStored() after it as usual: a record nobody will ask for is not written before the answer.
   */
  recordsFor?(envelopeFrom: string, recipients: readonly string[]): boolean;
  /**
   * Whether the hub reads each message's Message-ID (default true). False leaves `messageId` undefined and
   * hands the start of the message over in `head` instead: the hub's thread leaves the header code to its parent.
   */
  readsMessageId?: boolean;
  /** Called after a message is durable on disk and answered 250; the Maildir stays the source of truth (rescan it at start-up). */
  onStored?(info: StoredMail): void | Promise<void>;
  /** fsync each file and directory before answering (default true; only a benchmark turns it off). */
  fsync?: boolean;
  maxClients?: number;
  /** Files in a Maildir's tmp/ older than this are leftovers of unfinished deliveries and are removed (default 1 hour). */
  tmpMaxAgeMs?: number;
}

export interface MailHub {
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The embedded mail hub: an SMTP listener (smtp-server) that stores every recipient's copy in
 * its own Maildir and answers 250 only once each copy is fsynced in `new/` with its envelope, so
 * mail the hub has accepted survives a crash and keeps its sender. No relaying, no AUTH, no TLS: it listens on loopback by default.
 */
export async function startMailHub(options: MailHubOptions): Promise<MailHub> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAIL_LIMITS.maxMessageBytes;
  if (!options.dataDir) throw new MailError('INVALID_OPTIONS', 'startMailHub needs dataDir, the directory where mail is stored (for example ./data).');
  if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes <= 0) {
    throw new MailError('INVALID_OPTIONS', `startMailHub: maxMessageBytes must be a positive number of bytes: got ${String(maxMessageBytes)}.`);
  }
  if (!isLoopback(host)) logger.warn({ component: 'mail-hub', host }, 'mail hub listens beyond loopback: it has no AUTH or TLS, put it behind the relay only');

  // Loaded when a hub starts (after a server is listening), not with every module that imports this one.
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer({
    banner: 'marketplace mail hub',
    size: maxMessageBytes,
    rejectOversized: true,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideSTARTTLS: true,
    logger: false,
    maxClients: options.maxClients ?? 100,
    closeTimeout: 2000,
    // no PTR lookup per connection: the hub logs and decides by IP address only
    disableReverseLookup: true,
    ...hubSessionPolicy({ dataDir: options.dataDir, limits: options.limits, accept: options.accept, logger }),
    onData(stream, session, callback) {
      receive(stream, session).then(
        (reply) => callback(null, reply),
        (error: unknown) => callback(error as Error),
      );
    },
  });

  const ensured = new Set<string>();
  const fsync = options.fsync ?? true;
  const readsMessageId = options.readsMessageId ?? true;

  /**
   * Streams the message into every recipient's Maildir `tmp/` while it arrives (memory stays flat
   * whatever its size), each copy led by the hub's envelope lines; commits all copies, or none.
   */
  async function receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const receivedAt = new Date();
    const clientAddress = session.remoteAddress ?? '';
    const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
    const recording = Boolean(options.record) && (!options.recordsFor || options.recordsFor(envelopeFrom, recipients));
    // the description a record and onStored() read (hash, header block): not made for mail neither of them hears of
    const described = recording || Boolean(options.onStored);
    const writers: { recipient: string; maildir: string; writer: MaildirWriter }[] = [];
    let storeError: unknown = null;
    try {
      for (const recipient of recipients) {
        const maildir = mailboxDirectory(options.dataDir, recipient);
        if (!ensured.has(maildir)) {
          await ensureMaildir(maildir, { fsync });
          ensured.add(maildir);
        }
        const prefix = hubEnvelopeHeader({ from: envelopeFrom, recipient, clientAddress, receivedAt }, session.hostNameAppearsAs ?? '');
        writers.push({ recipient, maildir, writer: await openMaildirWriter(maildir, prefix, { fsync }) });
      }
    } catch (error) {
      storeError = error;
    }
    const head: Buffer[] = [];
    let headSize = 0;
    let size = 0;
    const hash = described ? createHash('sha256') : null;
    const keepsHead = described || readsMessageId;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      hash?.update(chunk);
      if (keepsHead && headSize < DEFAULT_MAIL_LIMITS.maxHeaderBytes) {
        head.push(chunk.subarray(0, DEFAULT_MAIL_LIMITS.maxHeaderBytes - headSize));
        headSize += head[head.length - 1]!.length;
      }
      // past the limit or after a failed write, read to the end but keep nothing
      if (storeError || size > maxMessageBytes) continue;
      try {
        for (const { writer } of writers) await writer.write(chunk);
      } catch (error) {
        storeError = error;
      }
    }
    const abortAll = () => Promise.all(writers.map(({ writer }) => writer.abort()));
    if (stream.sizeExceeded || size > maxMessageBytes) {
      await abortAll();
      throw smtpError(552, `5.3.4 Message is ${size} bytes, over the ${maxMessageBytes} bytes accepted`);
    }
    const deliveries: StoredMail['deliveries'] = [];
    if (!storeError) {
      try {
        for (const { recipient, maildir, writer } of writers) deliveries.push({ recipient, maildir, path: (await writer.commit()).path });
      } catch (error) {
        storeError = error;
      }
    }
    if (storeError) {
      // all copies or none: the client retries the whole message after a 451 (and directories are checked again)
      ensured.clear();
      await abortAll();
      await Promise.all(deliveries.map((delivery) => unlink(delivery.path).catch(() => {})));
      logger.error({ component: 'mail-hub', error: (storeError as Error).message }, 'could not store a message');
      throw smtpError(451, '4.3.0 Could not store the message; try again later');
    }
    const headBytes = Buffer.concat(head);
    const messageId = readsMessageId ? await messageIdOf(headBytes) : undefined;
    const info: StoredMail | null = hash ? { envelopeFrom, deliveries, size, messageId, sha256: hash.digest('hex'), clientAddress, receivedAt, ...(readsMessageId ? {} : { head: headerBlock(headBytes) }) } : null;
    if (recording && info) {
      try {
        await options.record?.(info);
      } catch (error) {
        await Promise.all(deliveries.map((delivery) => unlink(delivery.path).catch(() => {})));
        logger.error({ component: 'mail-hub', messageId, error: (error as Error).message }, 'could not record a message');
        throw smtpError(451, '4.3.0 Could not record the message; try again later');
      }
    }
    logger.info({ component: 'mail-hub', messageId, recipients: deliveries.length, size }, 'mail stored');
    if (options.onStored && info) {
      // after the 250 goes out: a slow ingester never holds up the sender
      setImmediate(() => {
        Promise.resolve()
          .then(() => options.onStored?.(info))
          .catch((error: unknown) => logger.error({ component: 'mail-hub', messageId, error: (error as Error).message }, 'onStored failed; the mail is on disk'));
      });
    }
    return `2.0.0 stored for ${deliveries.length} recipient${deliveries.length === 1 ? '' : 's'}`;
  }

  await setGreetingDelay(server, options.greetingDelayMs ?? (isLoopback(host) ? 0 : SMTP_SERVER_GREETING_DELAY_MS));
  // Files a crash or a dropped connection left in tmp/: at start, then every tmpSweepMs.
  const tmpMaxAgeMs = options.tmpMaxAgeMs ?? 60 * 60_000;
  const sweepTmp = async () => {
    const root = join(options.dataDir, 'mail');
    let removed = 0;
    for (const name of await readdir(root).catch(() => [] as string[])) removed += await cleanMaildirTmp(join(root, name), tmpMaxAgeMs);
    if (removed) logger.info({ component: 'mail-hub', removed }, 'removed unfinished files from tmp/');
  };
  await sweepTmp();
  const tmpTimer = setInterval(() => void sweepTmp().catch((error: unknown) => logger.warn({ component: 'mail-hub', error: (error as Error).message }, 'could not clean tmp/')), Math.min(tmpMaxAgeMs, 60 * 60_000));
  tmpTimer.unref();

  server.on('error', (error) => logger.warn({ component: 'mail-hub', error: error.message }, 'SMTP session error'));
  await new Promise<void>((resolvePromise, reject) => {
    const onError = (error: Error): void => reject(new MailError('INVALID_OPTIONS', `The mail hub cannot listen on ${host}:${options.port ?? 0}: ${error.message}. Pick another port (0 = any free one).`, { cause: error }));
    server.server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', onError);
      resolvePromise();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  logger.info({ component: 'mail-hub', host, port }, 'mail hub listening');

  return {
    host,
    port,
    close: () => {
      clearInterval(tmpTimer);
      return new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}

/**
 * The Message-ID in a message's start (its header block), or undefined when it has no usable one or its
 * headers cannot be read (the mail is then known by its content's hash). The header code loads on first use.
 */
export async function messageIdOf(head: Uint8Array): Promise<string | undefined> {
  const { normalMessageId, readHeaders } = await import('../headers.js');
  try {
    return normalMessageId(readHeaders(Buffer.from(head.buffer, head.byteOffset, head.byteLength), DEFAULT_MAIL_LIMITS.maxHeaderBytes).headers.first('Message-ID'));
  } catch {
    return undefined;
  }
}

/** The start of a message up to its blank line (all of it when there is none), copied into a buffer of its own (it crosses to another thread whole). */
function headerBlock(start: Buffer): Uint8Array {
  const blank = start.indexOf('\r\n\r\n');
  return new Uint8Array(blank < 0 ? start : start.subarray(0, blank + 4));
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}
