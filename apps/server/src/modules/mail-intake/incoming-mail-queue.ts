import { setImmediate as yieldToListener } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/schema.js';
import { backoffDelay } from '@marketplace/mail';
import {
  claimIncomingMailBatch,
  claimNextIncomingMail,
  DEFAULT_LEASE_MS,
  finishIncomingMail,
  finishIncomingMails,
  quarantineIncomingMail,
  readIncomingMailRaw,
  releaseIncomingMail,
  renewIncomingMailLease,
  retryIncomingMailLater,
  type IncomingMailRow,
  type MailOutcome,
} from './incoming-mail-repository.js';
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
  /** Messages a worker claims at once (DEFAULT_BATCH). */
  batch?: number;
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

/** Messages a worker claims at once (one sort of the waiting mail, one write of the held outcomes). */
export const DEFAULT_BATCH = 16;
/** A batch's messages not started this long after its claim are given back (others may take them). */
const BATCH_HOLD_MS = 1_000;

/** Renews the lease of the messages `held()` names while `work` runs. */
async function withLease<T>(db: Db, leaseMs: number, held: () => string[], work: () => Promise<T>): Promise<T> {
  const renew = setInterval(() => void renewIncomingMailLease(db, held(), leaseMs).catch(() => {}), Math.max(1000, Math.floor(leaseMs / 3)));
  try {
    return await work();
  } finally {
    clearInterval(renew);
  }
}

/**
 * Claims the oldest claimable message this process can read (`store`: its DATA_DIR/mail, see
 * mail-store-id.ts) and runs it to its one outcome. A failure of the database connection or a
 * serialization conflict (isTransientFailure) gives the message back with a backoff; any other
 * failure quarantines it with the reason. Returns false when nothing waits.
 */
export async function processNextIncomingMail(work: MailWork, store: string | null = null): Promise<boolean> {
  const row = await claimNextIncomingMail(work.db, work.leaseMs ?? DEFAULT_LEASE_MS, store);
  if (!row) return false;
  await withLease(work.db, work.leaseMs ?? DEFAULT_LEASE_MS, () => [row.message_id], () => processClaimedIncomingMail(work, row));
  return true;
}

/**
 * Runs a claimed message to its one outcome (see processNextIncomingMail); the caller renews its
 * lease meanwhile. With `hold`, an outcome that carries only records (MailRecords: nothing else was
 * done for the message) is not written but returned: the caller writes it (finishIncomingMails),
 * together with others; if that never happens (a crash), the message is simply run again.
 */
export async function processClaimedIncomingMail(work: MailWork, row: IncomingMailRow, options: { hold?: boolean } = {}): Promise<{ messageId: string; result: MailOutcome } | undefined> {
  const { db } = work;
  const log = work.logger.child({ component: 'mail-queue' });
  const messageId = row.message_id;
  if (row.attempts > (work.maxAttempts ?? 3)) {
    const reason = `MAIL_INTERRUPTED: processing was cut off ${row.attempts - 1} times (the server stopped while working on it)`;
    await quarantineIncomingMail(db, messageId, reason, await orgForQuarantine(db, row.envelope_from));
    log.warn({ messageId, reason }, 'incoming mail quarantined');
    return undefined;
  }
  try {
    const result = await work.handle(row, await readIncomingMailRaw(work.dataDir, row));
    if (options.hold && result.records) return { messageId, result };
    await finishIncomingMail(db, messageId, result);
    log.info({ messageId, outcome: result.outcome }, 'incoming mail processed');
  } catch (error) {
    await failed(work, row, error);
  }
  return undefined;
}

/** A message whose processing (or the write of its outcome) failed: given back with a backoff when the failure passes, else quarantined with the reason. */
async function failed(work: MailWork, row: IncomingMailRow, error: unknown): Promise<void> {
  const { db } = work;
  const log = work.logger.child({ component: 'mail-queue' });
  const messageId = row.message_id;
  const reason = failureReason(error);
  if (isTransientFailure(error)) {
    const delayMs = backoffDelay(row.retries, RETRY_BACKOFF);
    log.warn({ err: error, messageId, reason, retryInMs: delayMs }, 'incoming mail hit a passing failure; tried again later');
    await retryIncomingMailLater(db, messageId, new Date(Date.now() + delayMs));
  } else {
    log.error({ err: error, messageId, reason }, 'incoming mail could not be processed; quarantined');
    await quarantineIncomingMail(db, messageId, reason, await orgForQuarantine(db, row.envelope_from));
  }
}

/**
 * Runs a claimed batch in order (see claimIncomingMailBatch). Outcomes that carry only records are
 * held and written in one transaction after the batch; every other outcome is written as its
 * message ends. The messages not started when `keepGoing()` turns false, or BATCH_HOLD_MS after the
 * claim, are given back. The lease of every message still held is renewed until its outcome is written.
 */
export async function processIncomingMailBatch(work: MailWork, rows: IncomingMailRow[], keepGoing: () => boolean = () => true, between: () => Promise<unknown> = async () => undefined): Promise<void> {
  const { db } = work;
  const log = work.logger.child({ component: 'mail-queue' });
  const claimedAt = Date.now();
  const held = new Set(rows.map((row) => row.message_id));
  const outcomes: { messageId: string; result: MailOutcome }[] = [];
  await withLease(db, work.leaseMs ?? DEFAULT_LEASE_MS, () => [...held], async () => {
    for (const [i, row] of rows.entries()) {
      if (i > 0 && (!keepGoing() || Date.now() - claimedAt > BATCH_HOLD_MS)) {
        const rest = rows.slice(i).map((r) => r.message_id);
        await releaseIncomingMail(db, rest).catch((error) => log.error({ err: error, messages: rest.length }, 'claimed incoming mail could not be given back; taken again when its lease runs out'));
        for (const id of rest) held.delete(id);
        break;
      }
      if (i > 0) await between();
      const outcome = await processClaimedIncomingMail(work, row, { hold: true });
      if (outcome) outcomes.push(outcome);
      else held.delete(row.message_id);
    }
    if (outcomes.length === 0) return;
    try {
      await finishIncomingMails(db, outcomes);
      for (const { messageId, result } of outcomes) log.info({ messageId, outcome: result.outcome }, 'incoming mail processed');
    } catch (error) {
      // nothing of them was written: each is written alone, so one that cannot be is quarantined (or
      // retried, when the failure passes) by itself, as after a failure of its own processing
      log.warn({ err: error, messages: outcomes.length }, 'the outcomes of a batch of incoming mail could not be written together; each is written alone');
      const byId = new Map(rows.map((row) => [row.message_id, row]));
      for (const outcome of outcomes) {
        try {
          await finishIncomingMails(db, [outcome]);
          log.info({ messageId: outcome.messageId, outcome: outcome.result.outcome }, 'incoming mail processed');
        } catch (failure) {
          // a failure here too leaves the claim to run out: the message is then run again
          await failed(work, byId.get(outcome.messageId)!, failure).catch(() => undefined);
        }
      }
    }
  });
}

/**
 * The stored incoming mail (incoming_mail) is the queue: each worker claims the oldest waiting
 * messages with a lease (a batch, claimIncomingMailBatch; a message whose claim ran out alone), runs
 * the mail handlers on each and records its one outcome — or quarantines it after its first failure
 * (a passing database failure is retried instead). The SMTP listener only stores and kicks; the work
 * runs here, one message per turn of the event loop, so accepting mail is
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
  /** Claims and processes one message; false when nothing is waiting. */
  async function step(): Promise<boolean> {
    store ??= await readMailStoreId(options.dataDir);
    return processNextIncomingMail(work, store);
  }
  /** Claims a batch and works it off; false when nothing was waiting. */
  async function batch(): Promise<boolean> {
    store ??= await readMailStoreId(options.dataDir);
    const rows = await claimIncomingMailBatch(options.db, options.batch ?? DEFAULT_BATCH, options.leaseMs ?? DEFAULT_LEASE_MS, store);
    if (rows.length === 0) return false;
    await processIncomingMailBatch(work, rows, () => running, yieldToListener);
    return true;
  }

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
    while (running) {
      let did = false;
      try {
        did = await batch();
      } catch (error) {
        log.error({ err: error }, 'the incoming mail queue could not claim work; trying again');
      }
      if (!running) break;
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
