import type { ImapFlow } from 'imapflow';
import { backoffDelay, type BackoffOptions } from '../backoff.js';
import { silentLogger, type MailLogger } from '../logger.js';
import { MailError } from '../mail-error.js';
import { folderSegments, PROCESSED_FOLDER, REJECTED_FOLDER, type Mailbox, type MessageRef } from '../mailbox.js';
import { imapLoggerFor } from './imap-logger.js';

export interface ImapMailboxOptions {
  host: string;
  port: number;
  /** TLS from the first byte (993); otherwise STARTTLS when offered. */
  secure?: boolean;
  user: string;
  pass: string;
  mailbox?: string;
  logger?: MailLogger;
  /** Reconnect delays after the server drops the connection. */
  backoff?: BackoffOptions;
  /** How long a call waits for a dropped connection to come back before failing with MAILBOX_UNAVAILABLE. */
  operationTimeoutMs?: number;
  /** Quiet time before IDLE starts after a command (imapflow's autoIdleDelay). */
  idleDelayMs?: number;
  connectTimeoutMs?: number;
  rejectUnauthorized?: boolean;
}

export interface ImapMailbox extends Mailbox {
  /** 'connected', 'reconnecting' (after a drop) or 'closed'. */
  state(): 'connected' | 'reconnecting' | 'closed';
}

/**
 * An IMAP account (imapflow) as a Mailbox. One connection, IDLE for new mail, and when the server
 * drops it: reconnect with capped exponential backoff and jitter, then tell watchers to look again
 * (mail may have come in meanwhile). Reading uses BODY.PEEK, so mail that is not ours keeps its flags.
 * The first connection is made here: bad settings or an unreachable server fail at once.
 */
export async function openImapMailbox(options: ImapMailboxOptions): Promise<ImapMailbox> {
  if (!options.host || !Number.isInteger(options.port) || !options.user) {
    throw new MailError('INVALID_OPTIONS', 'openImapMailbox needs host, port and user (IMAP_HOST, IMAP_PORT, IMAP_USER).');
  }
  const logger = options.logger ?? silentLogger;
  const mailbox = options.mailbox ?? 'INBOX';
  const operationTimeoutMs = options.operationTimeoutMs ?? 30_000;
  const target = `${options.user}@${options.host}:${options.port}/${mailbox}`;
  const listeners = new Set<() => void>();
  const waiters = new Set<() => void>();
  let client: ImapFlow | null = null;
  let closed = false;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const notify = (): void => {
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        logger.error({ component: 'imap-mailbox', error: (error as Error).message }, 'watch listener threw');
      }
    }
  };

  async function connectOnce(): Promise<ImapFlow> {
    // imapflow loads with the first connection: processes without IMAP_HOST never pay for it.
    const { ImapFlow } = await import('imapflow');
    const next = new ImapFlow({
      host: options.host,
      port: options.port,
      secure: options.secure ?? false,
      auth: { user: options.user, pass: options.pass },
      logger: imapLoggerFor(logger),
      autoIdleDelay: options.idleDelayMs ?? 1000,
      connectionTimeout: options.connectTimeoutMs ?? 15_000,
      greetingTimeout: options.connectTimeoutMs ?? 15_000,
      tls: { rejectUnauthorized: options.rejectUnauthorized ?? true },
    });
    next.on('error', (error: Error) => logger.warn({ component: 'imap-mailbox', target, error: error.message }, 'IMAP connection error'));
    next.on('exists', () => notify());
    next.on('close', () => {
      if (client !== next) return;
      client = null;
      if (!closed) {
        logger.warn({ component: 'imap-mailbox', target }, 'IMAP connection dropped; reconnecting');
        scheduleReconnect();
      }
    });
    try {
      await next.connect();
      for (const folder of [PROCESSED_FOLDER, REJECTED_FOLDER]) await next.mailboxCreate(folderSegments(folder));
      await next.mailboxOpen(mailbox);
    } catch (error) {
      next.close();
      throw error;
    }
    return next;
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    const delay = backoffDelay(attempt, options.backoff);
    attempt += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connectOnce().then(
        (next) => {
          if (closed) {
            next.close();
            return;
          }
          client = next;
          attempt = 0;
          logger.info({ component: 'imap-mailbox', target }, 'IMAP reconnected');
          for (const wake of waiters) wake();
          notify();
        },
        (error: unknown) => {
          logger.warn({ component: 'imap-mailbox', target, attempt, error: (error as Error).message }, 'IMAP reconnect failed');
          scheduleReconnect();
        },
      );
    }, delay);
  }

  async function connection(): Promise<ImapFlow> {
    if (closed) throw new MailError('MAILBOX_CLOSED', `The IMAP mailbox ${target} was closed; open it again to use it.`);
    if (client?.usable) return client;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new MailError('MAILBOX_UNAVAILABLE', `The IMAP server for ${target} has not come back within ${operationTimeoutMs} ms; reconnecting goes on, try again later.`, { retryable: true }));
      }, operationTimeoutMs);
      const wake = (): void => {
        clearTimeout(timer);
        waiters.delete(wake);
        resolve();
      };
      waiters.add(wake);
    });
    return connection();
  }

  /** Runs one operation; a connection that drops in the middle is reported as retryable. */
  async function run<T>(what: string, operation: (imap: ImapFlow) => Promise<T>): Promise<T> {
    const imap = await connection();
    try {
      return await operation(imap);
    } catch (error) {
      if (error instanceof MailError) throw error;
      const dropped = !imap.usable;
      const reply = (error as { responseText?: string }).responseText;
      throw new MailError(dropped ? 'MAILBOX_UNAVAILABLE' : 'IMAP_FAILED', `IMAP ${what} on ${target} failed: ${reply ?? (error as Error).message}${dropped ? ' (the connection dropped; it reconnects by itself, try again)' : ''}`, {
        cause: error,
        retryable: dropped,
      });
    }
  }

  function uidOf(ref: MessageRef, imap: ImapFlow): string {
    const [validity, uid] = ref.id.split(':');
    if (!validity || !uid || !/^\d+$/.test(uid)) throw new MailError('MESSAGE_NOT_FOUND', `"${ref.id.slice(0, 60)}" is not a message id from this IMAP mailbox; use the refs list() returns.`);
    const current = imap.mailbox ? String(imap.mailbox.uidValidity) : '';
    if (validity !== current) {
      throw new MailError('MESSAGE_NOT_FOUND', `Message ${ref.id} belongs to an earlier state of ${mailbox} (UIDVALIDITY changed to ${current}); list() again.`);
    }
    return uid;
  }

  client = await connectOnce().catch((error: unknown) => {
    const authFailed = (error as { authenticationFailed?: boolean }).authenticationFailed === true;
    throw new MailError(
      authFailed ? 'INVALID_OPTIONS' : 'MAILBOX_UNAVAILABLE',
      authFailed
        ? `The IMAP server ${options.host}:${options.port} refused the login for ${options.user}: check IMAP_USER and IMAP_PASS.`
        : `Cannot open the IMAP mailbox ${target}: ${(error as Error).message}. Check IMAP_HOST and IMAP_PORT, and that the server is up.`,
      { cause: error, retryable: !authFailed },
    );
  });
  logger.info({ component: 'imap-mailbox', target }, 'IMAP mailbox open');

  return {
    state: () => (closed ? 'closed' : client?.usable ? 'connected' : 'reconnecting'),
    list: () =>
      run('list', async (imap) => {
        if (!imap.mailbox || imap.mailbox.exists === 0) return [];
        const validity = String(imap.mailbox.uidValidity);
        const messages = await imap.fetchAll('1:*', { uid: true, size: true, internalDate: true });
        return messages.map((message) => {
          const ref: MessageRef = { id: `${validity}:${message.uid}` };
          if (typeof message.size === 'number') ref.size = message.size;
          if (message.internalDate) ref.receivedAt = new Date(message.internalDate);
          return ref;
        });
      }),
    read: (ref) =>
      run('read', async (imap) => {
        const message = await imap.fetchOne(uidOf(ref, imap), { source: true }, { uid: true });
        if (!message || !message.source) throw new MailError('MESSAGE_NOT_FOUND', `Message ${ref.id} is no longer in ${mailbox}: it was moved or deleted since it was listed.`);
        return message.source;
      }),
    readHeaders: (ref) =>
      run('read headers', async (imap) => {
        const message = await imap.fetchOne(uidOf(ref, imap), { headers: true }, { uid: true });
        if (!message || !message.headers) throw new MailError('MESSAGE_NOT_FOUND', `Message ${ref.id} is no longer in ${mailbox}: it was moved or deleted since it was listed.`);
        return message.headers;
      }),
    move: (ref, folder) =>
      run('move', async (imap) => {
        const segments = folderSegments(folder);
        const uid = uidOf(ref, imap);
        // UID MOVE of a UID that is gone answers OK on most servers: look first, so the caller learns it
        const present = await imap.fetchOne(uid, { uid: true }, { uid: true });
        if (!present) throw new MailError('MESSAGE_NOT_FOUND', `Message ${ref.id} could not be moved to ${folder}: it is no longer in ${mailbox}.`);
        await imap.mailboxCreate(segments);
        const moved = await imap.messageMove(uid, segments, { uid: true });
        if (!moved) throw new MailError('MESSAGE_NOT_FOUND', `Message ${ref.id} could not be moved to ${folder}: it is no longer in ${mailbox}.`);
        logger.debug({ component: 'imap-mailbox', id: ref.id, folder }, 'message moved');
      }),
    watch(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    async close() {
      closed = true;
      listeners.clear();
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const current = client;
      client = null;
      if (current) {
        await Promise.race([current.logout().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000))]);
        current.close();
      }
    },
  };
}
