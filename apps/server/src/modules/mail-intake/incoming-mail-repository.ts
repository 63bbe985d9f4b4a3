import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalMessageId, readHeaders, DEFAULT_MAIL_LIMITS } from '@marketplace/mail';
import { sql, type ExpressionBuilder, type Insertable, type Selectable } from 'kysely';
import type { DB, Db } from '../../db/schema.js';
import { appendAuditEvents, type AuditEvent } from '../audit/audit-repository.js';
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

/**
 * How many mails `envelopeFrom` sent since `since` (received_at, as recorded before the 250), counted
 * up to `cap`: an expression for a select list. The count walks the sender's index from its newest
 * mail and stops at `cap`, so a sender's flood costs the same per message however large it grows
 * (incoming_mail_sender_count, decision 0074).
 */
export const senderMailCount = (envelopeFrom: string, since: Date, cap: number) => sql<string>`incoming_mail_sender_count(${envelopeFrom}, ${since}, ${cap})`;

/**
 * Runs a claim in a transaction whose planner may take the waiting mail only through an index, in
 * its order (received_at), stopping at the claim's limit: without statistics (PGlite never analyses)
 * it otherwise reads every waiting row and sorts them all for each claim (decision 0074). Three more
 * statements per claim: for the start-up drain's single claims only (a batch claim is one statement).
 */
function inIndexOrder<T>(db: Db, claim: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true), set_config('enable_seqscan', 'off', true)`.execute(trx);
    return claim(trx);
  });
}

/** Waiting, or claimed by a process whose lease ran out; a message given back for a retry waits until its lease_until. */
const claimable = (now: Date) => sql<boolean>`(state IN ('stored', 'processing') AND (lease_until IS NULL OR lease_until < ${now}))`;
/** Mail in the Maildirs of `store` (this process's DATA_DIR/mail), or with its raw in the row. */
const readableIn = (store: string | null) => (store ? sql<boolean>`(raw_store IS NULL OR raw_store = ${store})` : sql<boolean>`raw_store IS NULL`);
const claimSet = (now: Date, leaseMs: number) => (eb: ExpressionBuilder<DB, 'incoming_mail'>) => ({ state: 'processing' as const, attempts: eb('attempts', '+', 1), processed_at: now, lease_until: new Date(now.getTime() + leaseMs) });

/**
 * Takes the oldest claimable message (several processes may call this at once: each gets a different
 * one): mail with its raw in the row, or in the Maildirs of `store` (this process's DATA_DIR/mail).
 */
export async function claimNextIncomingMail(db: Db, leaseMs = DEFAULT_LEASE_MS, store: string | null = null): Promise<IncomingMailRow | undefined> {
  const now = new Date();
  return inIndexOrder(db, (trx) =>
    trx
      .updateTable('incoming_mail')
      .set(claimSet(now, leaseMs))
      .where('message_id', '=', (eb) => eb.selectFrom('incoming_mail').select('message_id').where(claimable(now)).where(readableIn(store)).orderBy('received_at').limit(1).forUpdate().skipLocked())
      .where(claimable(now))
      .returningAll()
      .executeTakeFirst(),
  );
}

/**
 * Claims work for one worker in one statement, oldest first: a message whose claim ran out (its
 * holder died or hung while working on it) is taken **alone**, so mail that kills the process while
 * it is worked on never takes other messages' attempts down with it; otherwise up to `limit` waiting
 * messages no one has been cut off on (state `stored`: new, or given back after a passing failure).
 * The claim is incoming_mail_claim (migration 1731: the same claim as claimSet, written in SQL),
 * which reads incoming_mail_state_idx in received_at order and only up to `limit`. Every message
 * returned is held with the lease; the caller works them in the order returned (by received_at),
 * renews the lease of those it still holds, and gives back (releaseIncomingMail) the ones it will not start.
 */
export async function claimIncomingMailBatch(db: Db, limit: number, leaseMs = DEFAULT_LEASE_MS, store: string | null = null): Promise<IncomingMailRow[]> {
  const now = new Date();
  // ordered by the database: received_at as stored (a Date keeps only milliseconds)
  const { rows } = await sql<IncomingMailRow>`SELECT * FROM incoming_mail_claim(${now}, ${new Date(now.getTime() + leaseMs)}, ${store}, ${limit}) ORDER BY received_at`.execute(db);
  return rows;
}

/** Extends the claims that are still being worked on (or held to be worked on next). */
export async function renewIncomingMailLease(db: Db, messageIds: string | string[], leaseMs = DEFAULT_LEASE_MS): Promise<void> {
  const ids = typeof messageIds === 'string' ? [messageIds] : messageIds;
  if (ids.length === 0) return;
  await db.updateTable('incoming_mail').set({ lease_until: new Date(Date.now() + leaseMs) }).where('message_id', 'in', ids).where('state', '=', 'processing').execute();
}

/**
 * Gives back claimed messages that were never started (a batch cut short: stop, or its first
 * messages took long): waiting again at once, the claim not counted as an attempt.
 */
export async function releaseIncomingMail(db: Db, messageIds: string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await db
    .updateTable('incoming_mail')
    .set((eb) => ({ state: 'stored', lease_until: null, attempts: sql<number>`greatest(${eb.ref('attempts')} - 1, 0)` }))
    .where('message_id', 'in', messageIds)
    .where('state', '=', 'processing')
    .execute();
}

/**
 * What recording an outcome also writes, in the same transaction: the message's audit entries and
 * its analysis record. Only for an outcome whose message caused nothing else (no mail sent, no
 * conversation, no other row): such an outcome may be held by the queue and written together with
 * other messages' outcomes, since running the message again after a crash repeats nothing.
 */
export interface MailRecords {
  audit?: AuditEvent[];
  /** Another module's rows (the mail pipeline's analysis record), each kind written by its own `write`, once per transaction. */
  rows?: RecordRows[];
}

/** Rows written with an outcome by the module that owns their table: a batch's rows of one `write` go in one call. */
export interface RecordRows<T = never> {
  write: (db: Db, rows: T[]) => Promise<void>;
  rows: T[];
}

/** Typed rows for MailRecords.rows (the owner's writer and its rows). */
export const recordRows = <T>(write: (db: Db, rows: T[]) => Promise<void>, rows: T[]): RecordRows => ({ write, rows }) as unknown as RecordRows;

export interface MailOutcome {
  outcome: string;
  orgId?: string | null;
  conversationId?: string | null;
  /** Written with the outcome, in its transaction (see MailRecords): recorded once, or not at all. */
  records?: MailRecords;
}

/** Records the final outcome, once: only a message still in processing is finished. */
export async function finishIncomingMail(db: Db, messageId: string, result: MailOutcome): Promise<boolean> {
  return (await finishIncomingMails(db, [{ messageId, result }])).length === 1;
}

/**
 * Records the outcomes of several messages in one transaction, with the records they carry (audit
 * entries appended in the given order, analysis records): an outcome is recorded only for a message
 * still in processing, and its records only with it, so each is written once. Messages with the
 * same outcome share one statement. Returns the ids finished.
 */
export async function finishIncomingMails(db: Db, finished: { messageId: string; result: MailOutcome }[]): Promise<string[]> {
  if (finished.length === 0) return [];
  const write = async (trx: Db) => {
    const groups = new Map<string, { result: MailOutcome; ids: string[] }>();
    for (const { messageId, result } of finished) {
      const key = JSON.stringify([result.outcome, result.orgId ?? null, result.conversationId ?? null]);
      const group = groups.get(key) ?? { result, ids: [] };
      group.ids.push(messageId);
      groups.set(key, group);
    }
    const done = new Set<string>();
    const now = new Date();
    for (const { result, ids } of groups.values()) {
      const rows = await trx
        .updateTable('incoming_mail')
        .set({ state: 'done', outcome: result.outcome, org_id: result.orgId ?? null, conversation_id: result.conversationId ?? null, processed_at: now, lease_until: null })
        .where('message_id', 'in', ids)
        .where('state', '=', 'processing')
        .returning('message_id')
        .execute();
      for (const row of rows) done.add(row.message_id);
    }
    const mine = finished.filter((f) => done.has(f.messageId));
    await appendAuditEvents(trx, mine.flatMap((f) => f.result.records?.audit ?? []));
    const byWriter = new Map<RecordRows['write'], unknown[]>();
    for (const { write: writeRows, rows } of mine.flatMap((f) => f.result.records?.rows ?? [])) byWriter.set(writeRows, [...(byWriter.get(writeRows) ?? []), ...rows]);
    for (const [writeRows, rows] of byWriter) if (rows.length) await writeRows(trx, rows as never[]);
    return [...done];
  };
  // an outcome with nothing to write beside it is one statement; records need a transaction
  const plain = finished.length === 1 && !finished[0]!.result.records?.audit?.length && !finished[0]!.result.records?.rows?.some((r) => r.rows.length);
  return plain ? write(db) : db.transaction().execute((trx) => write(trx));
}

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
