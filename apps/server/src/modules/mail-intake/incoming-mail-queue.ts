import { setImmediate as yieldToListener } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/schema.js';
import { backoffDelay } from '@marketplace/mail';
import { claimNextIncomingMail, DEFAULT_LEASE_MS, finishAndClaimNextIncomingMail, finishIncomingMail, quarantineIncomingMail, readIncomingMailRaw, renewIncomingMailLease, retryIncomingMailLater, type IncomingMailRow, type MailOutcome } from './incoming-mail-repository.js';
import type { MailIngest } from './mail-intake.js';
import { failureReason, isTransientFailure, orgForQuarantine } from './mail-quarantine.js';
import { readMailStoreId } from './mail-store-id.js';

/** What processing incoming mail needs: the queue below, or a caller that runs what waits now (tests, tools). */
export interface MailWork {
  db: Db;
  /** DATA_DIR: the hub's Maildir copies (DATA_DIR/mail) are the raw copies of its mail. */
  dataDir: string;
  logger: FastifyBaseLogger;
  /** Runs the handlers on a claimed message and returns its outcome; a throw is a failure (retried when transient, else quarantined). */
  handle(row: IncomingMailRow, raw: Buffer): Promise<MailOutcome>;
  /** A claim holds this long (renewed while the work runs); a dead process's claims are taken over after it. */
  leaseMs?: number;
  /** A message whose processing was cut off this many times (crash, kill) is quarantined instead of tried again. */
  maxAttempts?: number;
}

export interface IncomingMailQueueOptions extends Omit<MailWork, 'handle'> {
  intake: MailIngest;
  /** How often an idle worker looks for work it was not told about (other processes' mail, expired claims, retries due). */
  sweepEveryMs?: number;
  /** Messages processed at once in this process. */
  concurrency?: number;
}

export interface IncomingMailQueue {
  /** Processes what is waiting now, then keeps working in the background. */
  start(): Promise<void>;
  /** Wakes an idle worker: a message was just stored. */
  kick(): void;
  stop(): Promise<void>;
}

/** How long start() works off what waits before it returns (the rest goes on in the background). */
const START_DRAIN_MS = 5_000;

/** Transient failures are tried again after this backoff (doubling per retry, at most 5 minutes). */
const RETRY_BACKOFF = { baseMs: 2_000, maxMs: 5 * 60_000 };

/**
 * Claims the oldest waiting message this process can read (`store`: its DATA_DIR/mail, see
 * mail-store-id.ts) and runs it to its one outcome. A failure of the database connection or a
 * serialization conflict (isTransientFailure) gives the message back with a backoff; any other
 * failure quarantines it with the reason. Returns false when nothing waits.
 */
export async function processNextIncomingMail(work: MailWork, store: string | null = null): Promise<boolean> {
  const row = await claimNextIncomingMail(work.db, work.leaseMs ?? DEFAULT_LEASE_MS, store);
  if (!row) return false;
  await processClaimedIncomingMail(work, row, { claimNext: false, store });
  return true;
}

/**
 * Runs a claimed message to its one outcome (see processNextIncomingMail). With `claimNext`, the
 * outcome is recorded together with the claim of the next waiting message (one statement), which is
 * returned: the caller owes it a run. After a failure nothing is claimed.
 */
export async function processClaimedIncomingMail(work: MailWork, row: IncomingMailRow, next: { claimNext: boolean; store: string | null }): Promise<IncomingMailRow | undefined> {
  const { db } = work;
  const leaseMs = work.leaseMs ?? DEFAULT_LEASE_MS;
  const log = work.logger.child({ component: 'mail-queue' });
  const messageId = row.message_id;
  if (row.attempts > (work.maxAttempts ?? 3)) {
    const reason = `MAIL_INTERRUPTED: processing was cut off ${row.attempts - 1} times (the server stopped while working on it)`;
    await quarantineIncomingMail(db, messageId, reason, await orgForQuarantine(db, row.envelope_from));
    log.warn({ messageId, reason }, 'incoming mail quarantined');
    return undefined;
  }
  const renew = setInterval(() => void renewIncomingMailLease(db, messageId, leaseMs).catch(() => {}), Math.max(1000, Math.floor(leaseMs / 3)));
  try {
    const result = await work.handle(row, await readIncomingMailRaw(work.dataDir, row));
    const claimed = next.claimNext ? await finishAndClaimNextIncomingMail(db, messageId, result, leaseMs, next.store) : void (await finishIncomingMail(db, messageId, result));
    log.info({ messageId, outcome: result.outcome }, 'incoming mail processed');
    return claimed;
  } catch (error) {
    const reason = failureReason(error);
    if (isTransientFailure(error)) {
      const delayMs = backoffDelay(row.retries, RETRY_BACKOFF);
      log.warn({ err: error, messageId, reason, retryInMs: delayMs }, 'incoming mail hit a passing failure; tried again later');
      await retryIncomingMailLater(db, messageId, new Date(Date.now() + delayMs));
    } else {
      log.error({ err: error, messageId, reason }, 'incoming mail could not be processed; quarantined');
      await quarantineIncomingMail(db, messageId, reason, await orgForQuarantine(db, row.envelope_from));
    }
    return undefined;
  } finally {
    clearInterval(renew);
  }
}

/**
 * The stored incoming mail (incoming_mail) is the queue: each worker claims the oldest waiting
 * message with a lease, runs the mail handlers on it and records its one outcome — or quarantines
 * it after its first failure (a passing database failure is retried instead). The SMTP listener only
 * stores and kicks; the work runs here, one message per turn of the event loop, so accepting mail is
 * not held up by what is done with it (in a `worker` process it runs in another process altogether).
 * Several processes may share the table: each claim goes to one of them, and a claim whose holder
 * died is taken over when its lease runs out.
 */
export function createIncomingMailQueue(options: IncomingMailQueueOptions): IncomingMailQueue {
  const { intake } = options;
  const log = options.logger.child({ component: 'mail-queue' });
  const sweepEveryMs = options.sweepEveryMs ?? 10_000;
  const work: MailWork = { ...options, handle: (row, raw) => intake.dispatch(row, raw) };
  let running = false;
  const workers: Promise<void>[] = [];

  // the hub's Maildirs this process sees (null until a hub stored mail in DATA_DIR/mail)
  let store: string | null = null;
  /**
   * Processes `row` (claimed already) or, without one, claims the next; with `claimNext` (only while
   * running) its outcome's statement claims the message after it, which is returned (the caller owes
   * it a run). Null when nothing was waiting.
   */
  async function stepOn(row: IncomingMailRow | undefined, claimNext: boolean): Promise<IncomingMailRow | undefined | null> {
    store ??= await readMailStoreId(options.dataDir);
    const claimed = row ?? (await claimNextIncomingMail(options.db, options.leaseMs ?? DEFAULT_LEASE_MS, store));
    if (!claimed) return null;
    return processClaimedIncomingMail(work, claimed, { claimNext: claimNext && running, store });
  }
  /** Claims and processes one message (nothing claimed with its outcome); false when nothing is waiting. */
  const step = async () => (await stepOn(undefined, false)) !== null;

  const waiters = new Set<() => void>();
  const wakeAll = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const idle = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, sweepEveryMs);
      timer.unref();
      waiters.add(done);
    });

  async function loop(): Promise<void> {
    // a message claimed with the previous one's outcome is run even when stop() came meanwhile
    let carried: IncomingMailRow | undefined;
    while (running || carried) {
      let did = false;
      try {
        const next = await stepOn(carried, true);
        carried = next ?? undefined;
        did = next !== null;
      } catch (error) {
        carried = undefined; // its claim runs out and it is taken again (crash recovery)
        log.error({ err: error }, 'the incoming mail queue could not claim work; trying again');
      }
      if (!running && !carried) break;
      if (did) await yieldToListener();
      else await idle();
    }
  }

  return {
    async start() {
      if (running) return;
      running = true;
      // what a crash or a stop left waiting is done before the server reports ready, for a few
      // seconds at most: a large backlog is worked off in the background (start-up must not time out)
      const until = Date.now() + START_DRAIN_MS;
      while (running && Date.now() < until && (await step().catch(() => false)));
      for (let i = 0; i < (options.concurrency ?? 2); i++) workers.push(loop());
    },
    kick: wakeAll,
    async stop() {
      running = false;
      wakeAll();
      await Promise.all(workers.splice(0));
    },
  };
}
