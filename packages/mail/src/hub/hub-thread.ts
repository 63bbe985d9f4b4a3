import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { silentLogger } from '../logger.js';
import { MailError } from '../mail-error.js';
import { messageIdOf, type MailHub, type MailHubOptions, type StoredMail } from './mail-hub.js';
import { LOG_LEVELS, type HubThreadSettings, type ParentToThread, type ThreadToParent } from './hub-thread-protocol.js';

export interface MailHubThreadOptions extends Omit<MailHubOptions, 'recordsFor' | 'readsMessageId'> {
  /**
   * Recipients the hub's thread takes without asking accept() (a round trip to this thread per RCPT TO
   * saved): these addresses, and `local+tag@domain` of those in `withTags`. Only addresses accept() always serves.
   */
  servedLocally?: { addresses?: string[]; withTags?: string[] };
  /**
   * How long the thread keeps a recipient accept() took before it asks again (default 0: at every RCPT TO).
   * forget() drops one at once: call it wherever the answer may have changed.
   */
  acceptedForMs?: number;
  /**
   * record() is awaited only for mail from or to these addresses (and `local+tag@domain` of those in
   * `withTags`); other mail gets its 250 once on disk and goes to onStored(). Default: all mail is recorded.
   */
  recordsOnlyFor?: { addresses?: string[]; withTags?: string[] };
  /** The logger's level: lines below it are dropped in the hub's thread, not sent here (default 'debug': all are sent). */
  logLevel?: string;
}

export interface MailHubThread extends MailHub {
  /** Why the hub's thread stopped on its own (it takes no mail then), or null while it runs. */
  failure(): Error | null;
  /** Drops the thread's kept accept() answer for this address (it may have changed). */
  forget(address: string): void;
}

/** The thread hands over the message's header block, not its Message-ID: read here (the header code is not loaded there). */
async function withMessageId(mail: StoredMail): Promise<StoredMail> {
  if (!mail.head) return mail;
  const { head, ...rest } = mail;
  return { ...rest, messageId: await messageIdOf(head) };
}

/**
 * The worker's code: in the built server (this module is a chunk, .js) the build's own entry beside the
 * chunks (scripts/build.ts); from the sources (development, tests) the TypeScript file through tsx.
 */
function workerScript(): { code: string; eval: true } | { file: string; eval: false } {
  // Bundled, import.meta.url names the source file (scripts/build.ts keeps it so); import.meta.filename names the chunk.
  const here = import.meta.filename as string | undefined;
  if (here?.endsWith('.js')) {
    const built = join(dirname(here), 'mail-hub-worker.js');
    if (!existsSync(built)) throw new MailError('HUB_FAILED', `The mail hub's thread file ${built} is missing: the server build must include it (npm run build; scripts/build.ts lists it as an entry point).`);
    return { file: built, eval: false };
  }
  const source = new URL('./hub-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return { code: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`, eval: true };
}

/**
 * The embedded mail hub (startMailHub) in a worker thread of its own: SMTP sessions, the Maildir writes
 * and fsyncs and the 250 do not wait for what this thread is busy with (processing mail, the embedded
 * database), and take the second core. accept(), record() and onStored() still run here, in this
 * thread, asked over the worker's port: the 250 still follows the record. With a record(), onStored()
 * runs right after a record the thread answers 250 for (one message a mail, not two): it may run for a
 * client that hung up before reading its 250, which record() already made known. close() stops the thread
 * (sessions finish first, their records answered), so call it before closing what record() writes to.
 * A thread that dies on its own is logged at error and reported by failure().
 */
export async function startMailHubThread(options: MailHubThreadOptions): Promise<MailHubThread> {
  const logger = options.logger ?? silentLogger;
  if (!options.dataDir) throw new MailError('INVALID_OPTIONS', 'startMailHubThread needs dataDir, the directory where mail is stored (for example ./data).');
  if (options.acceptedForMs !== undefined && (!Number.isSafeInteger(options.acceptedForMs) || options.acceptedForMs < 0)) {
    throw new MailError('INVALID_OPTIONS', `startMailHubThread: acceptedForMs must be a whole number of milliseconds, 0 or more: got ${String(options.acceptedForMs)}.`);
  }
  const settings: HubThreadSettings = {
    dataDir: options.dataDir,
    host: options.host,
    port: options.port,
    maxMessageBytes: options.maxMessageBytes,
    limits: options.limits,
    greetingDelayMs: options.greetingDelayMs,
    fsync: options.fsync,
    maxClients: options.maxClients,
    tmpMaxAgeMs: options.tmpMaxAgeMs,
    servedLocally: { addresses: options.servedLocally?.addresses ?? [], withTags: options.servedLocally?.withTags ?? [] },
    asksAccept: Boolean(options.accept),
    acceptedForMs: options.acceptedForMs ?? 0,
    tellsStored: Boolean(options.onStored),
    logLevel: LOG_LEVELS.find((level) => level === options.logLevel) ?? (options.logLevel === 'silent' || options.logLevel === 'fatal' ? 'error' : 'debug'),
    asksRecord: Boolean(options.record),
    recordsOnlyFor: options.recordsOnlyFor ? { addresses: options.recordsOnlyFor.addresses ?? [], withTags: options.recordsOnlyFor.withTags ?? [] } : null,
  };
  const script = workerScript();
  const worker = new Worker(script.eval ? script.code : script.file, { eval: script.eval, workerData: settings, name: 'mail-hub' });
  const send = (message: ParentToThread) => worker.postMessage(message);

  let failure: Error | null = null;
  let closing = false;
  let started: { resolve: (address: { host: string; port: number }) => void; reject: (error: Error) => void } | null = null;
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));

  const stored = (info: StoredMail) => {
    Promise.resolve()
      .then(() => options.onStored?.(info))
      .catch((error: unknown) => logger.error({ component: 'mail-hub', messageId: info.messageId, error: (error as Error).message }, 'onStored failed; the mail is on disk'));
  };
  /** Runs a parent-side function for the thread and sends back its answer (or its error's message); `then` after a good answer. */
  const answer = (id: number, run: () => unknown, then?: () => void) => {
    Promise.resolve()
      .then(run)
      .then(
        (value) => {
          send({ type: 'answer', id, value });
          then?.();
        },
        (error: unknown) => send({ type: 'answer', id, error: error instanceof Error ? error.message : String(error) }),
      )
      .catch(() => {}); // the thread is gone: nobody waits for the answer
  };

  worker.on('message', (message: ThreadToParent) => {
    switch (message.type) {
      case 'log':
        logger[message.level](message.fields, message.message);
        return;
      case 'accept':
        answer(message.id, () => options.accept?.(message.recipient) ?? true);
        return;
      case 'record': {
        // the thread answers 250 once it has the answer; onStored() follows here without another message
        const mail = withMessageId(message.stored);
        answer(message.id, async () => options.record?.(await mail), () => setImmediate(() => void mail.then(stored)));
        return;
      }
      case 'stored':
        void withMessageId(message.stored).then(stored);
        return;
      case 'listening':
        started?.resolve({ host: message.host, port: message.port });
        return;
      case 'start-failed':
        started?.reject(new MailError(message.code === 'INVALID_OPTIONS' ? 'INVALID_OPTIONS' : 'HUB_FAILED', message.message));
        return;
      case 'closed':
        return;
    }
  });
  worker.on('error', (error) => {
    failure = error;
    logger.error({ component: 'mail-hub', error: error.message }, 'the mail hub thread failed; it takes no mail until the server restarts');
    started?.reject(new MailError('HUB_FAILED', `The mail hub thread failed while starting: ${error.message}`, { cause: error }));
  });
  void exited.then((code) => {
    if (closing || failure) return;
    failure = new Error(`the mail hub thread exited (code ${code})`);
    logger.error({ component: 'mail-hub', code }, 'the mail hub thread exited; it takes no mail until the server restarts');
    started?.reject(new MailError('HUB_FAILED', `The mail hub thread exited while starting (code ${code}).`));
  });

  let address: { host: string; port: number };
  try {
    address = await new Promise((resolve, reject) => (started = { resolve, reject }));
  } catch (error) {
    closing = true;
    await worker.terminate();
    throw error;
  } finally {
    started = null;
  }
  return {
    ...address,
    failure: () => failure,
    forget: (address) => {
      if (!closing && !failure) send({ type: 'forget', address });
    },
    close: async () => {
      if (closing) return void (await exited);
      closing = true;
      if (failure) return void (await worker.terminate());
      send({ type: 'close' });
      await exited;
    },
  };
}
