import type { Mailbox, MessageRef } from '@marketplace/mail';
import type { Journal } from './journal.js';
import { mailKey } from './mail-key.js';
import type { ProcessorDeps } from './release-processor.js';

export type InboxCounts = { processed: number; ignored: number };

export interface InboxLoopOptions {
  mailbox: Mailbox;
  journal: Journal;
  processor: ProcessorDeps;
  /** How many mails are handled side by side (different apps deploy in parallel). */
  concurrency?: number;
  log: (message: string) => void;
}

/**
 * Reads the mailbox: each release mail is processed once (the journal remembers mails whose move
 * a crash interrupted), then moved to processed or rejected; other mail is left alone. Passes
 * never overlap: a wake-up during a pass runs one more pass after it.
 */
export function createInboxLoop(options: InboxLoopOptions) {
  const { mailbox, journal, log } = options;
  let stopped = false;
  let running: Promise<InboxCounts> | null = null;
  let again = false;
  let stopWatching: (() => void) | null = null;

  async function handle(ref: MessageRef): Promise<'processed' | 'ignored'> {
    const raw = await mailbox.read(ref);
    const key = mailKey(raw);
    const entry = await journal.get(key);
    if (entry?.phase === 'done' && entry.folder) {
      await mailbox.move(ref, entry.folder);
      await journal.remove(key);
      return 'processed';
    }
    // loaded with the first mail: parsing, verification and unpacking are code an idle agent never runs
    const { processRelease } = await import('./release-processor.js');
    const decision = await processRelease(raw, options.processor);
    if (decision.kind === 'ignore') return 'ignored';
    await mailbox.move(ref, decision.folder);
    await journal.remove(key);
    return 'processed';
  }

  async function pass(): Promise<InboxCounts> {
    const counts = { processed: 0, ignored: 0 };
    const queue = [...(await mailbox.list())];
    const workers = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
      for (let ref = queue.shift(); ref && !stopped; ref = queue.shift()) {
        try {
          counts[await handle(ref)] += 1;
        } catch (error) {
          log(`could not handle message ${ref.id}: ${(error as Error).message}`);
        }
      }
    });
    await Promise.all(workers);
    return counts;
  }

  function processOnce(): Promise<InboxCounts> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      const total = { processed: 0, ignored: 0 };
      do {
        again = false;
        const counts = await pass();
        total.processed += counts.processed;
        total.ignored = counts.ignored;
      } while (again && !stopped);
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    processOnce,
    /** Processes now and on every mailbox change until `stop`. */
    watch(): void {
      stopWatching = mailbox.watch(() => void processOnce());
      void processOnce();
    },
    async stop(): Promise<void> {
      stopped = true;
      stopWatching?.();
      await running?.catch(() => {});
    },
  };
}

export type InboxLoop = ReturnType<typeof createInboxLoop>;
