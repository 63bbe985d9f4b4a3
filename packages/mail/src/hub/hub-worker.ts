/**
 * The mail hub's own thread (started by startMailHubThread): smtp-server's sessions, the streaming into
 * the Maildirs with their fsyncs, and the 250 run here, off the event loop that processes the mail. What
 * needs the parent (the recipient directory, the record before the 250, the stored-mail hand-over) is
 * asked over the thread's port; log lines at or above the parent's level go to the parent's logger.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LRUCache } from 'lru-cache';
import type { MailLogger } from '../logger.js';
import { startMailHub, type MailHub, type StoredMail } from './mail-hub.js';
import { LOG_LEVELS, type HubThreadSettings, type LogLevel, type ParentToThread, type ThreadToParent } from './hub-thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('hub-worker.ts runs only as a worker thread (startMailHubThread starts it)');
const settings = workerData as HubThreadSettings;
const send = (message: ThreadToParent) => port.postMessage(message);

const lowest = LOG_LEVELS.indexOf(settings.logLevel);
const logAt =
  (level: LogLevel) =>
  (fields: Record<string, unknown>, message?: string): void => {
    if (LOG_LEVELS.indexOf(level) >= lowest) send({ type: 'log', level, fields, message });
  };
const logger: MailLogger = { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') };

let nextId = 1;
const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
function ask(message: { type: 'accept'; recipient: string } | { type: 'record'; stored: StoredMail }): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    send({ ...message, id });
  });
}

/** Whether an address is one of `addresses`, or `local+tag@domain` of one of `withTags` (lower-cased addresses). */
function addressSet(set: { addresses: string[]; withTags: string[] }): (address: string) => boolean {
  const fixed = new Set(set.addresses.map((address) => address.toLowerCase()));
  const tagged = set.withTags.map((address) => address.toLowerCase().split('@') as [string, string]);
  return (address) => {
    if (fixed.has(address)) return true;
    const [local, domain] = address.split('@');
    return tagged.some(([ownLocal, ownDomain]) => domain === ownDomain && Boolean(local?.startsWith(`${ownLocal}+`)));
  };
}
const servedLocally = addressSet(settings.servedLocally);
const recorded = settings.recordsOnlyFor ? addressSet(settings.recordsOnlyFor) : null;
const recordsFor = (from: string, recipients: readonly string[]): boolean => !recorded || recorded(from.toLowerCase()) || recipients.some(recorded);
const isRecorded = (stored: StoredMail): boolean =>
  settings.asksRecord &&
  recordsFor(
    stored.envelopeFrom,
    stored.deliveries.map((delivery) => delivery.recipient),
  );

// Recipients accept() took lately: a blast to one mailbox asks the parent once, not at every RCPT TO. The parent
// forgets an address here when it changes; the port keeps order, so an answer sent before the change is dropped too.
const accepted = settings.acceptedForMs > 0 ? new LRUCache<string, true>({ max: 20_000, ttl: settings.acceptedForMs }) : null;
async function accept(recipient: string): Promise<boolean> {
  if (servedLocally(recipient) || accepted?.has(recipient)) return true;
  const taken = (await ask({ type: 'accept', recipient })) === true;
  if (taken) accepted?.set(recipient, true);
  return taken;
}

let hub: MailHub | null = null;
port.on('message', (message: ParentToThread) => {
  if (message.type === 'answer') {
    const entry = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) entry?.reject(new Error(message.error));
    else entry?.resolve(message.value);
    return;
  }
  if (message.type === 'forget') {
    accepted?.delete(message.address.toLowerCase());
    return;
  }
  if (message.type === 'crash') {
    setImmediate(() => {
      throw new Error(message.message);
    });
    return;
  }
  // close: stop taking connections, let sessions finish (their records are still answered), then leave
  void (hub ? hub.close() : Promise.resolve()).finally(() => {
    send({ type: 'closed' });
    port.close();
  });
});

try {
  hub = await startMailHub({
    dataDir: settings.dataDir,
    host: settings.host,
    port: settings.port,
    maxMessageBytes: settings.maxMessageBytes,
    limits: settings.limits,
    greetingDelayMs: settings.greetingDelayMs,
    fsync: settings.fsync,
    maxClients: settings.maxClients,
    tmpMaxAgeMs: settings.tmpMaxAgeMs,
    logger,
    accept: settings.asksAccept ? accept : undefined,
    // the Message-ID is read in the parent, from the header block handed over: the header code stays out of this thread
    readsMessageId: false,
    record: settings.asksRecord ? async (stored) => void (await ask({ type: 'record', stored })) : undefined,
    recordsFor,
    // the parent runs onStored() itself after a record(); mail that was not recorded is told
    onStored: settings.tellsStored ? (stored) => void (isRecorded(stored) || send({ type: 'stored', stored })) : undefined,
  });
  send({ type: 'listening', host: hub.host, port: hub.port });
} catch (error) {
  send({ type: 'start-failed', message: (error as Error).message, code: (error as { code?: string }).code });
  port.close();
}
