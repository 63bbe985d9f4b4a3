import { createHash } from 'node:crypto';
import { readHeaders, DEFAULT_MAIL_LIMITS } from '@marketplace/mail';
import type { Db } from '../../db/schema.js';

export interface Envelope {
  /** MAIL FROM ('' for the null sender). */
  from: string;
  to: string[];
}

/** The Message-ID, or a stable one made from the content when the sender gave none. */
export function messageIdOf(raw: Buffer): string {
  const id = readHeaders(raw, DEFAULT_MAIL_LIMITS.maxHeaderBytes).headers.first('Message-ID')?.trim();
  if (id && id.length <= 998) return id;
  return `<${createHash('sha256').update(raw).digest('hex')}@no-message-id>`;
}

/**
 * Stores the raw message before anything else happens (and before the SMTP 250 or the IMAP
 * \Seen flag, when the listener awaits it). Keyed by Message-ID: a second copy is not stored again.
 */
export async function storeIncomingMail(db: Db, raw: Buffer, envelope: Envelope): Promise<{ messageId: string; fresh: boolean }> {
  const messageId = messageIdOf(raw);
  const inserted = await db
    .insertInto('incoming_mail')
    .values({ message_id: messageId, raw, envelope_from: envelope.from.toLowerCase(), envelope_to: envelope.to.map((a) => a.toLowerCase()), state: 'stored', outcome: null, org_id: null, conversation_id: null })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .returning('message_id')
    .executeTakeFirst();
  return { messageId, fresh: inserted !== undefined };
}

/** Takes a stored message for processing; only one caller ever gets it (a crashed claim is retaken after `staleMs`). */
export async function claimIncomingMail(db: Db, messageId: string, staleMs = 5 * 60_000) {
  return db
    .updateTable('incoming_mail')
    .set((eb) => ({ state: 'processing', attempts: eb('attempts', '+', 1), processed_at: new Date() }))
    .where('message_id', '=', messageId)
    .where((eb) => eb.or([eb('state', '=', 'stored'), eb.and([eb('state', '=', 'processing'), eb('processed_at', '<', new Date(Date.now() - staleMs))])]))
    .returningAll()
    .executeTakeFirst();
}

export async function finishIncomingMail(db: Db, messageId: string, result: { outcome: string; orgId?: string | null; conversationId?: string | null }) {
  await db
    .updateTable('incoming_mail')
    .set({ state: 'done', outcome: result.outcome, org_id: result.orgId ?? null, conversation_id: result.conversationId ?? null, processed_at: new Date() })
    .where('message_id', '=', messageId)
    .execute();
}

/** Messages stored but not (completely) processed: after a crash, at start-up. */
export async function pendingIncomingMail(db: Db, staleMs = 5 * 60_000): Promise<string[]> {
  const rows = await db
    .selectFrom('incoming_mail')
    .select('message_id')
    .where((eb) => eb.or([eb('state', '=', 'stored'), eb.and([eb('state', '=', 'processing'), eb('processed_at', '<', new Date(Date.now() - staleMs))])]))
    .orderBy('received_at')
    .limit(1000)
    .execute();
  return rows.map((r) => r.message_id);
}
