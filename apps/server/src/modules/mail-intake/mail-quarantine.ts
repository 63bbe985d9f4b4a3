import { DEFAULT_MAIL_LIMITS, readHeaders } from '@marketplace/mail';
import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';
import { readIncomingMailRaw } from './incoming-mail-repository.js';

/**
 * Why processing failed, fit to store and show an admin: the error's code (or class) and the first
 * line of its message, without control characters. Database errors carry the statement's
 * parameters (the user's text) in other fields; those are never read here.
 */
export function failureReason(error: unknown): string {
  const err = error as { code?: unknown; name?: unknown; message?: unknown };
  const code = typeof err?.code === 'string' || typeof err?.code === 'number' ? String(err.code) : typeof err?.name === 'string' ? err.name : 'Error';
  const message = typeof err?.message === 'string' ? err.message.split('\n')[0]!.replace(/[^\x20-\x7e]/g, '?').slice(0, 300) : String(error).slice(0, 300);
  return `${code}: ${message}`;
}

/** PostgreSQL SQLSTATEs of failures that pass: connection (08…), serialization and deadlock, shutdown and resources (57P0…, 53…). */
const TRANSIENT_SQLSTATE = /^(08|40001|40P01|57P0[1-3]|53)/;
const TRANSIENT_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * Whether processing failed for a reason that passes by itself (the database connection dropped,
 * a serialization conflict): the message is tried again later. Anything else (a parse or handler
 * error) is about the message, and it is quarantined. Looks through `cause` chains.
 */
export function isTransientFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_NODE.has(code))) return true;
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && /Connection terminated|connection (?:is )?(?:closed|ended)|timeout exceeded when trying to connect/i.test(message)) return true;
  }
  return false;
}

/**
 * The organisation whose admins see a quarantined message: the sender's, when the envelope sender
 * is an active user; else the only organisation of a single-organisation installation; else none
 * (it stays visible to the installation's operators through the database only).
 */
export async function orgForQuarantine(db: Db, envelopeFrom: string): Promise<string | null> {
  if (envelopeFrom) {
    const user = await db.selectFrom('users').select('org_id').where(({ fn }) => fn('lower', ['email']), '=', envelopeFrom.toLowerCase()).where('status', '=', 'active').executeTakeFirst();
    if (user) return user.org_id;
  }
  const orgs = await db.selectFrom('organizations').select('id').limit(2).execute();
  return orgs.length === 1 ? orgs[0]!.id : null;
}

export interface QuarantinedMail {
  id: string;
  messageId: string;
  envelopeFrom: string;
  envelopeTo: string[];
  /** The Subject header as it arrived (control characters removed, at most 200 characters; '' when none or unreadable). */
  subject: string;
  clientAddress: string | null;
  size: number;
  reason: string | null;
  attempts: number;
  receivedAt: Date;
  quarantinedAt: Date | null;
}

/** The Subject of a stored message, read from its header block only ('' when it has none or cannot be read). */
async function subjectOf(dataDir: string, row: { raw: Buffer | null; raw_path: string | null; message_id: string }): Promise<string> {
  try {
    const { headers } = readHeaders(await readIncomingMailRaw(dataDir, row), DEFAULT_MAIL_LIMITS.maxHeaderBytes);
    return (headers.first('Subject') ?? '').replace(/\p{Cc}/gu, ' ').trim().slice(0, 200);
  } catch {
    return '';
  }
}

/** Quarantined messages of one organisation, newest first (`dataDir`: where the hub's copies are, for the subject). */
export async function listQuarantinedMail(db: Db, dataDir: string, orgId: string, limit = 100): Promise<QuarantinedMail[]> {
  const rows = await db
    .selectFrom('incoming_mail')
    .select(['raw', 'raw_path', 'id', 'message_id', 'envelope_from', 'envelope_to', 'client_address', 'reason', 'attempts', 'received_at', 'processed_at', sql<number>`coalesce(size, octet_length(raw))`.as('size')])
    .where('state', '=', 'quarantined')
    .where('org_id', '=', orgId)
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute();
  return Promise.all(rows.map(async (r) => ({
    id: r.id,
    messageId: r.message_id,
    envelopeFrom: r.envelope_from,
    envelopeTo: r.envelope_to,
    subject: await subjectOf(dataDir, r),
    clientAddress: r.client_address,
    size: Number(r.size),
    reason: r.reason,
    attempts: r.attempts,
    receivedAt: new Date(r.received_at),
    quarantinedAt: r.processed_at ? new Date(r.processed_at) : null,
  })));
}

/** The raw message of one quarantined mail of this organisation (from its row or the hub's Maildir copy under `dataDir`), or undefined. */
export async function quarantinedRaw(db: Db, dataDir: string, orgId: string, id: string): Promise<Buffer | undefined> {
  const row = await db.selectFrom('incoming_mail').select(['raw', 'raw_path', 'message_id']).where('id', '=', id).where('org_id', '=', orgId).where('state', '=', 'quarantined').executeTakeFirst();
  return row ? readIncomingMailRaw(dataDir, row) : undefined;
}

/** Back to the queue for one more try (after a fix); false when no such quarantined mail. */
export async function releaseQuarantinedMail(db: Db, orgId: string, id: string): Promise<boolean> {
  const row = await db
    .updateTable('incoming_mail')
    .set({ state: 'stored', outcome: null, reason: null, lease_until: null, retries: 0 })
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('state', '=', 'quarantined')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes a quarantined mail for good; false when no such quarantined mail. */
export async function deleteQuarantinedMail(db: Db, orgId: string, id: string): Promise<boolean> {
  const row = await db.deleteFrom('incoming_mail').where('id', '=', id).where('org_id', '=', orgId).where('state', '=', 'quarantined').returning('id').executeTakeFirst();
  return row !== undefined;
}
