import { createHash } from 'node:crypto';
import { readHeaders, DEFAULT_MAIL_LIMITS } from '@marketplace/mail';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
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

/**
 * The Message-ID, or a stable one made from the content when the sender gave none, or one that
 * is not plain printable ASCII (NUL, 8-bit, over-long): such a value never reaches a text column.
 */
export function messageIdOf(raw: Buffer): string {
  let id: string | undefined;
  try {
    id = readHeaders(raw, DEFAULT_MAIL_LIMITS.maxHeaderBytes).headers.first('Message-ID')?.trim();
  } catch {
    id = undefined; // a header block the reader refuses still gets an id, from its content
  }
  if (id && id.length <= 998 && /^[\x21-\x7e]+$/.test(id)) return id;
  return `<${createHash('sha256').update(raw).digest('hex')}@no-message-id>`;
}

/** An envelope address fit for a text column: printable ASCII only, or '' (the null sender). */
const cleanAddress = (address: string) => (/^[\x21-\x7e]{1,320}$/.test(address) ? address.toLowerCase() : '');

/**
 * Stores the raw message before anything else happens (and before the SMTP 250 or the IMAP
 * \Seen flag, when the listener awaits it). Keyed by Message-ID: a second copy is not stored again.
 */
export async function storeIncomingMail(db: Db, raw: Buffer, envelope: Envelope): Promise<{ messageId: string; fresh: boolean }> {
  const messageId = messageIdOf(raw);
  const inserted = await db
    .insertInto('incoming_mail')
    .values({
      message_id: messageId,
      raw,
      envelope_from: cleanAddress(envelope.from),
      envelope_to: envelope.to.map(cleanAddress).filter(Boolean),
      client_address: envelope.clientAddress && /^[0-9a-fA-F.:]{1,45}$/.test(envelope.clientAddress) ? envelope.clientAddress : null,
      state: 'stored',
      outcome: null,
      org_id: null,
      conversation_id: null,
      ...(envelope.receivedAt ? { received_at: envelope.receivedAt } : {}),
    })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .returning('message_id')
    .executeTakeFirst();
  return { messageId, fresh: inserted !== undefined };
}

const claimable = (now: Date) =>
  sql<boolean>`(state = 'stored' OR (state = 'processing' AND (lease_until IS NULL OR lease_until < ${now})))`;

/** Takes a stored message for processing; only one caller ever gets it (a claim whose lease ran out is taken over). */
export async function claimIncomingMail(db: Db, messageId: string, leaseMs = DEFAULT_LEASE_MS): Promise<IncomingMailRow | undefined> {
  const now = new Date();
  return db
    .updateTable('incoming_mail')
    .set((eb) => ({ state: 'processing', attempts: eb('attempts', '+', 1), processed_at: now, lease_until: new Date(now.getTime() + leaseMs) }))
    .where('message_id', '=', messageId)
    .where(claimable(now))
    .returningAll()
    .executeTakeFirst();
}

/** Takes the oldest claimable message (several processes may call this at once: each gets a different one). */
export async function claimNextIncomingMail(db: Db, leaseMs = DEFAULT_LEASE_MS): Promise<IncomingMailRow | undefined> {
  const now = new Date();
  return db
    .updateTable('incoming_mail')
    .set((eb) => ({ state: 'processing', attempts: eb('attempts', '+', 1), processed_at: now, lease_until: new Date(now.getTime() + leaseMs) }))
    .where('message_id', '=', (eb) => eb.selectFrom('incoming_mail').select('message_id').where(claimable(now)).orderBy('received_at').limit(1).forUpdate().skipLocked())
    .where(claimable(now))
    .returningAll()
    .executeTakeFirst();
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
  const row = await db
    .updateTable('incoming_mail')
    .set({ state: 'done', outcome: result.outcome, org_id: result.orgId ?? null, conversation_id: result.conversationId ?? null, processed_at: new Date(), lease_until: null })
    .where('message_id', '=', messageId)
    .where('state', '=', 'processing')
    .returning('message_id')
    .executeTakeFirst();
  return row !== undefined;
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

/** Messages stored but not (completely) processed, whose claim (if any) ran out. */
export async function pendingIncomingMail(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('incoming_mail').select('message_id').where(claimable(new Date())).orderBy('received_at').limit(1000).execute();
  return rows.map((r) => r.message_id);
}
