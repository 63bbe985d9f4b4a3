import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalMessageId, readHeaders, DEFAULT_MAIL_LIMITS } from '@marketplace/mail';
import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import { MailIntakeError } from './mail-intake-error.js';
import type { IncomingMailTable } from './mail-intake-tables.js';

export interface Envelope {
  /** MAIL FROM ('' for the null sender). */
  from: string;
  to: string[];
  /** The SMTP client's IP address, when the mail came over SMTP. */
  clientAddress?: string;
  /** When the listener took it (default now). */
  receivedAt?: Date;
}

export type IncomingMailRow = Selectable<IncomingMailTable>;

/** How long a claim holds before another process (or the sweep) may take the message over. */
export const DEFAULT_LEASE_MS = 30_000;

/** The id of a message without a usable Message-ID, made from its content (hex sha256): the same bytes get the same id. */
export const contentMessageId = (sha256: string) => `<${sha256}@no-message-id>`;

/**
 * The Message-ID, or a stable one made from the content when the sender gave none, or one that
 * is not plain printable ASCII (NUL, 8-bit, over-long): such a value never reaches a text column.
 */
export function messageIdOf(raw: Buffer): string {
  let id: string | undefined;
  try {
    id = normalMessageId(readHeaders(raw, DEFAULT_MAIL_LIMITS.maxHeaderBytes).headers.first('Message-ID'));
  } catch {
    id = undefined; // a header block the reader refuses still gets an id, from its content
  }
  return id ?? contentMessageId(createHash('sha256').update(raw).digest('hex'));
}

/** An envelope address fit for a text column: printable ASCII only, or '' (the null sender). */
const cleanAddress = (address: string) => (/^[\x21-\x7e]{1,320}$/.test(address) ? address.toLowerCase() : '');

/** A new row for one message: waiting to be claimed, with its envelope cleaned for text columns. */
function waitingRow(messageId: string, envelope: Envelope, copy: { raw: Buffer } | { rawPath: string; store: string; size: number }): Insertable<IncomingMailTable> {
  return {
    message_id: messageId,
    ...('raw' in copy ? { raw: copy.raw, size: copy.raw.length } : { raw_path: copy.rawPath, raw_store: copy.store, size: copy.size }),
    envelope_from: cleanAddress(envelope.from),
    envelope_to: envelope.to.map(cleanAddress).filter(Boolean),
    client_address: envelope.clientAddress && /^[0-9a-fA-F.:]{1,45}$/.test(envelope.clientAddress) ? envelope.clientAddress : null,
    state: 'stored',
    outcome: null,
    org_id: null,
    conversation_id: null,
    ...(envelope.receivedAt ? { received_at: envelope.receivedAt } : {}),
  };
}

/**
 * Stores the raw message in its row (mail read from an IMAP service mailbox, before it is moved
 * out of the inbox). Keyed by Message-ID: a second copy is not stored again.
 */
export async function storeIncomingMail(db: Db, raw: Buffer, envelope: Envelope): Promise<{ messageId: string; fresh: boolean }> {
  const messageId = messageIdOf(raw);
  const inserted = await db.insertInto('incoming_mail').values(waitingRow(messageId, envelope, { raw })).onConflict((oc) => oc.column('message_id').doNothing()).returning('message_id').executeTakeFirst();
  return { messageId, fresh: inserted !== undefined };
}

/** One copy the hub stored in a Maildir of the server's own address: `rawPath` is `<mailbox>/<file name>` under DATA_DIR/mail, `store` that directory's id. */
export interface HubCopy {
  messageId: string;
  rawPath: string;
  store: string;
  size: number;
  envelope: Envelope;
}

/**
 * Records copies the hub stored (the Maildir file is the raw copy; the row refers to it), in the
 * caller's transaction when `db` is one. A Message-ID already recorded is not recorded again.
 */
export async function recordHubCopies(db: Db, copies: HubCopy[]): Promise<void> {
  if (copies.length === 0) return;
  await db
    .insertInto('incoming_mail')
    .values(copies.map((copy) => waitingRow(copy.messageId, copy.envelope, copy)))
    .onConflict((oc) => oc.column('message_id').doNothing())
    .execute();
}

/**
 * The message of a row: its raw column, or the hub's Maildir copy it refers to (in cur/ once
 * recorded, in new/ before). Throws MAIL_RAW_MISSING when the copy is gone or not visible here.
 */
export async function readIncomingMailRaw(dataDir: string, row: Pick<IncomingMailRow, 'raw' | 'raw_path' | 'message_id'>): Promise<Buffer> {
  if (row.raw) return Buffer.from(row.raw);
  const [mailbox, name, ...rest] = (row.raw_path ?? '').split('/');
  const root = join(dataDir, 'mail');
  const missing = () =>
    new MailIntakeError('MAIL_RAW_MISSING', `The stored copy of ${row.message_id} (${row.raw_path ?? 'no file recorded'}) is not in ${root}: every process that works on incoming mail needs the hub's DATA_DIR/mail; delete the row if the file was removed.`);
  if (!mailbox || !name || rest.length || mailbox.startsWith('.') || name.startsWith('.')) throw missing();
  const tryRead = (path: string) => readFile(path).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error)));
  const found = (await tryRead(join(root, mailbox, 'cur', `${name}:2,S`))) ?? (await tryRead(join(root, mailbox, 'new', name)));
  if (found) return found;
  // flags changed by a mail client: the same file under another info suffix
  const other = (await readdir(join(root, mailbox, 'cur')).catch(() => [] as string[])).find((entry) => entry.startsWith(`${name}:`));
  const renamed = other ? await tryRead(join(root, mailbox, 'cur', other)) : null;
  if (renamed) return renamed;
  throw missing();
}

/** Waiting, or claimed by a process whose lease ran out; a message given back for a retry waits until its lease_until. */
const claimable = (now: Date) => sql<boolean>`(state IN ('stored', 'processing') AND (lease_until IS NULL OR lease_until < ${now}))`;

/**
 * Takes the oldest claimable message (several processes may call this at once: each gets a different
 * one): mail with its raw in the row, or in the Maildirs of `store` (this process's DATA_DIR/mail).
 */
export async function claimNextIncomingMail(db: Db, leaseMs = DEFAULT_LEASE_MS, store: string | null = null): Promise<IncomingMailRow | undefined> {
  return claimNext(db, leaseMs, store).executeTakeFirst();
}

/** The claim of claimNextIncomingMail, on `db` or on a query that already carries a WITH. */
function claimNext(db: Db, leaseMs: number, store: string | null) {
  const now = new Date();
  const readable = store ? sql<boolean>`(raw_store IS NULL OR raw_store = ${store})` : sql<boolean>`raw_store IS NULL`;
  return db
    .updateTable('incoming_mail')
    .set((eb) => ({ state: 'processing', attempts: eb('attempts', '+', 1), processed_at: now, lease_until: new Date(now.getTime() + leaseMs) }))
    .where('message_id', '=', (eb) => eb.selectFrom('incoming_mail').select('message_id').where(claimable(now)).where(readable).orderBy('received_at').limit(1).forUpdate().skipLocked())
    .where(claimable(now))
    .returningAll();
}

/** Extends a claim that is still being worked on. */
export async function renewIncomingMailLease(db: Db, messageId: string, leaseMs = DEFAULT_LEASE_MS): Promise<void> {
  await db.updateTable('incoming_mail').set({ lease_until: new Date(Date.now() + leaseMs) }).where('message_id', '=', messageId).where('state', '=', 'processing').execute();
}

export interface MailOutcome {
  outcome: string;
  orgId?: string | null;
  conversationId?: string | null;
}

/** Records the final outcome, once: only a message still in processing is finished. */
export async function finishIncomingMail(db: Db, messageId: string, result: MailOutcome): Promise<boolean> {
  const row = await finished(db, messageId, result).returning('message_id').executeTakeFirst();
  return row !== undefined;
}

/**
 * finishIncomingMail and claimNextIncomingMail in one statement (a data-modifying WITH: both or
 * neither), so a busy worker pays one round trip between two messages, not two. The message just
 * finished is not claimable in the claim's snapshot (it is still held), so it is never taken again.
 */
export async function finishAndClaimNextIncomingMail(db: Db, messageId: string, result: MailOutcome, leaseMs = DEFAULT_LEASE_MS, store: string | null = null): Promise<IncomingMailRow | undefined> {
  const withFinished = db.with('finished', (qb) => finished(qb as unknown as Db, messageId, result).returning('message_id')) as unknown as Db;
  return claimNext(withFinished, leaseMs, store).executeTakeFirst();
}

const finished = (db: Db, messageId: string, result: MailOutcome) =>
  db
    .updateTable('incoming_mail')
    .set({ state: 'done', outcome: result.outcome, org_id: result.orgId ?? null, conversation_id: result.conversationId ?? null, processed_at: new Date(), lease_until: null })
    .where('message_id', '=', messageId)
    .where('state', '=', 'processing');

/**
 * Puts a message aside after its first failure: it is never retried by itself; an admin sees it
 * (with `reason`), downloads it, releases it for one more try, or deletes it.
 */
export async function quarantineIncomingMail(db: Db, messageId: string, reason: string, orgId: string | null = null): Promise<void> {
  await db
    .updateTable('incoming_mail')
    .set({ state: 'quarantined', outcome: 'quarantined', reason: reason.slice(0, 500), org_id: orgId, processed_at: new Date(), lease_until: null })
    .where('message_id', '=', messageId)
    .where('state', '<>', 'done')
    .execute();
}

/**
 * Gives a claimed message back after a passing failure (the database connection, a serialization
 * conflict): waiting again from `retryAt`, the cut-off attempt not counted, one more retry counted (its backoff grows).
 */
export async function retryIncomingMailLater(db: Db, messageId: string, retryAt: Date): Promise<void> {
  await db
    .updateTable('incoming_mail')
    .set((eb) => ({ state: 'stored', lease_until: retryAt, attempts: sql<number>`greatest(${eb.ref('attempts')} - 1, 0)`, retries: eb('retries', '+', 1) }))
    .where('message_id', '=', messageId)
    .where('state', '=', 'processing')
    .execute();
}
