import type { Db } from '../../db/schema.js';

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
  clientAddress: string | null;
  size: number;
  reason: string | null;
  attempts: number;
  receivedAt: Date;
  quarantinedAt: Date | null;
}

/** Quarantined messages of one organisation, newest first. */
export async function listQuarantinedMail(db: Db, orgId: string, limit = 100): Promise<QuarantinedMail[]> {
  const rows = await db
    .selectFrom('incoming_mail')
    .select((eb) => ['id', 'message_id', 'envelope_from', 'envelope_to', 'client_address', 'reason', 'attempts', 'received_at', 'processed_at', eb.fn<number>('octet_length', ['raw']).as('size')])
    .where('state', '=', 'quarantined')
    .where('org_id', '=', orgId)
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    messageId: r.message_id,
    envelopeFrom: r.envelope_from,
    envelopeTo: r.envelope_to,
    clientAddress: r.client_address,
    size: Number(r.size),
    reason: r.reason,
    attempts: r.attempts,
    receivedAt: new Date(r.received_at),
    quarantinedAt: r.processed_at ? new Date(r.processed_at) : null,
  }));
}

/** The raw message of one quarantined mail of this organisation, or undefined. */
export async function quarantinedRaw(db: Db, orgId: string, id: string): Promise<Buffer | undefined> {
  const row = await db.selectFrom('incoming_mail').select('raw').where('id', '=', id).where('org_id', '=', orgId).where('state', '=', 'quarantined').executeTakeFirst();
  return row ? Buffer.from(row.raw) : undefined;
}

/** Back to the queue for one more try (after a fix); false when no such quarantined mail. */
export async function releaseQuarantinedMail(db: Db, orgId: string, id: string): Promise<boolean> {
  const row = await db
    .updateTable('incoming_mail')
    .set({ state: 'stored', outcome: null, reason: null, lease_until: null })
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
