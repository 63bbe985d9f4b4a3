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
  /** Which stored mail onStored() hears of: 'all' (default), or only 'recorded' mail (the rest is not even sent over from the thread). */
  onStoredFor?: 'all' | 'recorded';
  /** The logger's level: lines below it are dropped in the hub's thread, not sent here (default 'debug': all are sent). */
  logLevel?: string;
  /**
   * When the thread stops on its own after it was listening, it is started again on the same host and port after
   * `firstDelayMs` (default 1 s), doubled after each try that fails or dies soon, up to `maxDelayMs` (default 60 s);
   * a thread that ran `healthyAfterMs` (default 60 s) before it died starts the series again from `firstDelayMs`.
   */
  restart?: { firstDelayMs?: number; maxDelayMs?: number; healthyAfterMs?: number };
}

export interface MailHubThread extends MailHub {
  /** Why the hub's thread is down (it takes no mail until it is started again), or null while it listens. */
  failure(): Error | null;
  /** Drops the thread's kept accept() answer for this address (it may have changed). */
  forget(address: string): void;
  /** How many times a thread that stopped on its own was started again (each try, whether it came up or not). */
  restarts(): number;
}

/** The thread hands over the message's header block, not its Message-ID: read here (the header code is not loaded there). */
async function withMessageId(mail: StoredMail): Promise<StoredMail> {
  if (!mail.head) return mail;
  const { head, ...rest } = mail;
  return { ...rest, messageId: await messageIdOf(head) };
}

export const DEFAULT_HUB_RESTART = { firstDelayMs: 1_000, maxDelayMs: 60_000, healthyAfterMs: 60_000 } as const;

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

/** One running (or starting) thread: its own port, so an answer meant for a thread that died never reaches the next one. */
interface HubWorker {
  worker: Worker;
  send(message: ParentToThread): void;
  /** Resolves with the address once it listens; rejects when it cannot start (or dies before it listens). */
  listening: Promise<{ host: string; port: number }>;
  /** The thread's exit code, and the uncaught error that ended it, if one did. */
  exited: Promise<{ code: number; error: Error | null }>;
}

/** The test hook below, on every hub startMailHubThread returns (copied by `{ ...hub }`). */
const CRASH_FOR_TESTS = Symbol('crash the mail hub thread for a test');
/**
 * Crashes the hub's running thread with an uncaught error, as a bug in a session would: for tests only. No SMTP
 * input reaches it; it is a message over the thread's own port, which only this process holds.
 */
export function crashMailHubThreadForTests(hub: object, message = 'crash for a test'): void {
  const crash = (hub as { [CRASH_FOR_TESTS]?: (message: string) => void })[CRASH_FOR_TESTS];
  if (!crash) throw new Error('crashMailHubThreadForTests: not a hub started by startMailHubThread');
  crash(message);
}

/**
 * The embedded mail hub (startMailHub) in a worker thread of its own: SMTP sessions, the Maildir writes
 * and fsyncs and the 250 do not wait for what this thread is busy with (processing mail, the embedded
 * database), and take the second core. accept(), record() and onStored() still run here, in this
 * thread, asked over the worker's port: the 250 still follows the record. With a record(), onStored()
 * runs right after a record the thread answers 250 for (one message a mail, not two): it may run for a
 * client that hung up before reading its 250, or whose thread died before it sent it, which record()
 * already made known. close() stops the thread (sessions finish first, their records answered), so call
 * it before closing what record() writes to. A thread that stops on its own (an uncaught error, an exit) is
 * logged at error, reported by failure() until it runs again, and started again after a pause (`restart`).
 */
export async function startMailHubThread(options: MailHubThreadOptions): Promise<MailHubThread> {
  const logger = options.logger ?? silentLogger;
  if (!options.dataDir) throw new MailError('INVALID_OPTIONS', 'startMailHubThread needs dataDir, the directory where mail is stored (for example ./data).');
  if (options.acceptedForMs !== undefined && (!Number.isSafeInteger(options.acceptedForMs) || options.acceptedForMs < 0)) {
    throw new MailError('INVALID_OPTIONS', `startMailHubThread: acceptedForMs must be a whole number of milliseconds, 0 or more: got ${String(options.acceptedForMs)}.`);
  }
  const restart = { ...DEFAULT_HUB_RESTART, ...options.restart };
  for (const [name, value] of Object.entries(restart)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new MailError('INVALID_OPTIONS', `startMailHubThread: restart.${name} must be a whole number of milliseconds above 0: got ${String(value)}.`);
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
    tellsStored: Boolean(options.onStored) && options.onStoredFor !== 'recorded',
    logLevel: LOG_LEVELS.find((level) => level === options.logLevel) ?? (options.logLevel === 'silent' || options.logLevel === 'fatal' ? 'error' : 'debug'),
    asksRecord: Boolean(options.record),
    recordsOnlyFor: options.recordsOnlyFor ? { addresses: options.recordsOnlyFor.addresses ?? [], withTags: options.recordsOnlyFor.withTags ?? [] } : null,
  };
  const script = workerScript();

  const stored = (info: StoredMail) => {
    Promise.resolve()
      .then(() => options.onStored?.(info))
      .catch((error: unknown) => logger.error({ component: 'mail-hub', messageId: info.messageId, error: (error as Error).message }, 'onStored failed; the mail is on disk'));
  };

  function startWorker(port: number | undefined): HubWorker {
    const worker = new Worker(script.eval ? script.code : script.file, { eval: script.eval, workerData: { ...settings, port }, name: 'mail-hub' });
    const send = (message: ParentToThread) => worker.postMessage(message); // to this thread only: a dead one drops it
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
    let error: Error | null = null;
    let started: { resolve: (address: { host: string; port: number }) => void; reject: (error: Error) => void } | null = null;
    const listening = new Promise<{ host: string; port: number }>((resolve, reject) => (started = { resolve, reject }));
    listening.catch(() => {}); // read by whoever started it; an unread rejection must not end the process
    worker.on('message', (message: ThreadToParent) => {
      switch (message.type) {
        case 'log':
          logger[message.level](message.fields, message.message);
          return;
        case 'accept':
          answer(message.id, () => options.accept?.(message.recipient) ?? true);
          return;
        case 'record': {
          // The thread answers 250 once it has the answer; onStored() follows here without another message. It follows
          // a record even when the thread died before its 250: the copies are in new/ and the record names them, so
          // the mail is processed once, and the client's retry (no 250 came) finds its Message-ID already recorded.
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
    worker.on('error', (uncaught) => {
      error = uncaught;
      started?.reject(new MailError('HUB_FAILED', `The mail hub thread failed while starting: ${uncaught.message}`, { cause: uncaught }));
    });
    const exited = new Promise<{ code: number; error: Error | null }>((resolve) =>
      worker.once('exit', (code) => {
        started?.reject(new MailError('HUB_FAILED', `The mail hub thread exited while starting (code ${code}).`));
        resolve({ code, error });
      }),
    );
    return { worker, send, listening, exited };
  }

  // The first thread: a failure to start is the caller's (a port in use, bad options), not restarted.
  let current: HubWorker | null = startWorker(settings.port);
  let address: { host: string; port: number };
  try {
    address = await current.listening;
  } catch (error) {
    await current.worker.terminate();
    throw error;
  }

  let closing = false;
  let up = true; // the current thread listens
  let failure: Error | null = null;
  let upSince = Date.now();
  let tries = 0; // restarts tried since the thread last ran healthily
  let restarts = 0;
  let timer: NodeJS.Timeout | null = null;
  let closed: Promise<void> | undefined;

  const delayFor = (attempt: number) => Math.min(restart.firstDelayMs * 2 ** Math.min(attempt - 1, 30), restart.maxDelayMs);

  /** Watches a listening thread: when it stops on its own, the hub is down until the next one listens. */
  const watch = (hub: HubWorker) => {
    void hub.exited.then(({ code, error }) => {
      if (closing || current !== hub) return;
      up = false;
      current = null;
      if (Date.now() - upSince >= restart.healthyAfterMs) tries = 0;
      const reason = error ? `the mail hub thread failed: ${error.message}` : `the mail hub thread exited (code ${code})`;
      failure = new Error(reason, { cause: error ?? undefined });
      schedule(reason);
    });
  };

  const schedule = (reason: string) => {
    tries += 1;
    const delayMs = delayFor(tries);
    logger.error({ component: 'mail-hub', reason, attempt: tries, restartInMs: delayMs }, `${reason}; no mail is taken until it runs again: starting it again in ${delayMs} ms (try ${tries})`);
    timer = setTimeout(() => void again(), delayMs);
  };

  /** Starts a thread again on the address the first one listened on. */
  const again = async () => {
    timer = null;
    if (closing) return;
    restarts += 1;
    const hub = startWorker(address.port);
    current = hub;
    try {
      await hub.listening;
    } catch (error) {
      await hub.worker.terminate();
      if (closing || current !== hub) return;
      current = null;
      schedule(`the mail hub thread could not start again: ${(error as Error).message}`);
      return;
    }
    if (closing) return; // close() stops it
    up = true;
    failure = null;
    upSince = Date.now();
    logger.warn({ component: 'mail-hub', attempt: tries, host: address.host, port: address.port }, `the mail hub thread runs again after try ${tries}; it takes mail`);
    watch(hub);
  };

  watch(current);
  const hub: MailHubThread = {
    ...address,
    failure: () => failure,
    restarts: () => restarts,
    forget: (recipient) => {
      // a thread started later begins with nothing kept
      if (!closing) current?.send({ type: 'forget', address: recipient });
    },
    close: () =>
      (closed ??= (async () => {
        closing = true;
        if (timer) clearTimeout(timer); // waiting to start it again: no thread is started any more
        timer = null;
        const last = current;
        if (!last) return;
        if (up) last.send({ type: 'close' });
        else void last.worker.terminate(); // still starting: it has taken no mail yet
        await last.exited;
      })()),
  };
  return Object.assign(hub, {
    [CRASH_FOR_TESTS]: (message: string) => {
      if (!current || !up) throw new Error('crashMailHubThreadForTests: the hub has no running thread now');
      current.send({ type: 'crash', message });
    },
  });
}
