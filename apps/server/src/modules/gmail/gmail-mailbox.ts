import type { Logger } from 'pino';
import type { Db } from '../../db/schema.js';
import type { IncomingMailQueue } from '../mail-intake/incoming-mail-queue.js';
import { serialPasses } from '../mail-intake/serial-passes.js';
import { readableConnections, recordWatch, type GmailConnectionRow } from './gmail-repository.js';
import type { GmailService } from './gmail-service.js';
import { syncAndRecord, type SyncResult } from './gmail-sync.js';

/** How often connected Gmail mailboxes are read (history polling; with GMAIL_PUBSUB_TOPIC pushes read at once, decision 0050, and this is the fallback). */
const POLL_EVERY_MS = 60_000;
/** A watch is renewed once it expires within this (Google: at most 7 days, renew daily). */
const WATCH_RENEW_BEFORE_MS = 6 * 86_400_000;

export interface GmailMailbox {
  /** One pass over every connected mailbox now (passes never overlap: a call during a pass runs one more after it). */
  poll(): Promise<Map<string, SyncResult>>;
  close(): Promise<void>;
}

/**
 * Reads the connected Gmail mailboxes into incoming_mail (the same queue, and so the same trust rules and
 * pipeline, as the embedded hub and the IMAP service mailbox): at start and every minute. A mailbox that
 * fails is marked failing with the reason (shown in Admin → Gmail) and tried again on the next pass.
 */
export function startGmailMailbox(deps: { db: Db; gmail: GmailService; mailQueue: IncomingMailQueue; logger: Logger }, options: { intervalMs?: number } = {}): GmailMailbox {
  const log = deps.logger.child({ component: 'gmail-mailbox' });
  let closed = false;

  /** users.watch when push is on and the mailbox's watch is missing or due (a failure is logged; polling goes on). */
  const renewWatch = async (connection: GmailConnectionRow) => {
    const topic = deps.gmail.settings.push?.topic;
    if (!topic || (connection.watch_expires_at && new Date(connection.watch_expires_at).getTime() - Date.now() > WATCH_RENEW_BEFORE_MS)) return;
    try {
      const watched = await deps.gmail.apiFor(connection).watch(topic);
      await recordWatch(deps.db, connection.id, watched.expiresAt);
      log.info({ connectionId: connection.id, expiresAt: watched.expiresAt.toISOString() }, 'Gmail push watch renewed');
    } catch (error) {
      log.warn({ connectionId: connection.id, code: (error as { code?: unknown }).code, reason: (error as Error).message.slice(0, 300) }, 'could not renew the Gmail push watch; history polling goes on');
    }
  };

  const pass = async (): Promise<Map<string, SyncResult>> => {
    const results = new Map<string, SyncResult>();
    for (const connection of await readableConnections(deps.db)) {
      if (closed) break;
      await renewWatch(connection);
      // A failure is recorded on the connection and tried again on the next pass.
      const result = await syncAndRecord(deps.db, deps.gmail.apiFor(connection), connection, log).catch(() => undefined);
      if (!result) continue;
      results.set(connection.id, result);
      if (result.imported) log.info({ connectionId: connection.id, imported: result.imported, resynced: result.resynced }, 'Gmail mailbox read');
    }
    if ([...results.values()].some((result) => result.imported)) deps.mailQueue.kick();
    return results;
  };
  const serial = serialPasses(
    pass,
    (error) => {
      log.warn({ err: error }, 'could not list the Gmail mailboxes');
      return new Map<string, SyncResult>();
    },
    () => closed,
  );
  let current: Promise<Map<string, SyncResult>> | null = null;
  const poll = () => (current = serial());

  const timer = setInterval(() => void poll(), options.intervalMs ?? POLL_EVERY_MS);
  timer.unref();
  void poll();
  return {
    poll,
    async close() {
      closed = true;
      clearInterval(timer);
      await current?.catch(() => undefined);
    },
  };
}
