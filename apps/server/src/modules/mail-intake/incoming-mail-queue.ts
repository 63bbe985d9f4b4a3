import { setImmediate as yieldToListener } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/schema.js';
import { claimNextIncomingMail, DEFAULT_LEASE_MS, finishIncomingMail, quarantineIncomingMail, renewIncomingMailLease, type IncomingMailRow } from './incoming-mail-repository.js';
import type { MailIngest } from './mail-intake.js';
import { failureReason, orgForQuarantine } from './mail-quarantine.js';

export interface IncomingMailQueueOptions {
  db: Db;
  intake: MailIngest;
  logger: FastifyBaseLogger;
  /** A claim holds this long (renewed while the work runs); a dead process's claims are taken over after it. */
  leaseMs?: number;
  /** How often an idle worker looks for work it was not told about (other processes' mail, expired claims). */
  sweepEveryMs?: number;
  /** Messages processed at once in this process. */
  concurrency?: number;
  /** A message whose processing was cut off this many times (crash, kill) is quarantined instead of tried again. */
  maxAttempts?: number;
}

export interface IncomingMailQueue {
  /** Processes what is waiting now, then keeps working in the background. */
  start(): Promise<void>;
  /** Wakes an idle worker: a message was just stored. */
  kick(): void;
  stop(): Promise<void>;
}

/**
 * The stored incoming mail (incoming_mail) is the queue: each worker claims the oldest waiting
 * message with a lease, runs the mail handlers on it and records its one outcome — or quarantines
 * it after its first failure. The SMTP listener only stores and kicks; the work runs here, one
 * message per turn of the event loop, so accepting mail is not held up by what is done with it
 * (in a `worker` process it runs in another process altogether). Several processes may share the
 * table: each claim goes to one of them, and a claim whose holder died is taken over when its lease runs out.
 */
export function createIncomingMailQueue(options: IncomingMailQueueOptions): IncomingMailQueue {
  const { db, intake } = options;
  const log = options.logger.child({ component: 'mail-queue' });
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const sweepEveryMs = options.sweepEveryMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 3;
  let running = false;
  const workers: Promise<void>[] = [];

  async function processOne(row: IncomingMailRow): Promise<void> {
    const messageId = row.message_id;
    if (row.attempts > maxAttempts) {
      const reason = `MAIL_INTERRUPTED: processing was cut off ${row.attempts - 1} times (the server stopped while working on it)`;
      await quarantineIncomingMail(db, messageId, reason, await orgForQuarantine(db, row.envelope_from));
      log.warn({ messageId, reason }, 'incoming mail quarantined');
      return;
    }
    const renew = setInterval(() => void renewIncomingMailLease(db, messageId, leaseMs).catch(() => {}), Math.max(1000, Math.floor(leaseMs / 3)));
    try {
      const result = await intake.dispatch(row);
      await finishIncomingMail(db, messageId, result);
      log.info({ messageId, outcome: result.outcome }, 'incoming mail processed');
    } catch (error) {
      const reason = failureReason(error);
      log.error({ err: error, messageId, reason }, 'incoming mail could not be processed; quarantined');
      await quarantineIncomingMail(db, messageId, reason, await orgForQuarantine(db, row.envelope_from));
    } finally {
      clearInterval(renew);
    }
  }

  /** Claims and processes one message; false when nothing is waiting. */
  async function step(): Promise<boolean> {
    const row = await claimNextIncomingMail(db, leaseMs);
    if (!row) return false;
    await processOne(row);
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

  async function work(): Promise<void> {
    while (running) {
      let did = false;
      try {
        did = await step();
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
      // what a crash or a stop left waiting is done before the server reports ready
      while (running && (await step().catch(() => false)));
      for (let i = 0; i < (options.concurrency ?? 2); i++) workers.push(work());
    },
    kick: wakeAll,
    async stop() {
      running = false;
      wakeAll();
      await Promise.all(workers.splice(0));
    },
  };
}
