import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { OutgoingMailRecipientsTable, OutgoingMailTable } from './outgoing-mail-tables.js';

type RecipientState = OutgoingMailRecipientsTable['state'];

export interface NewOutgoingMail {
  orgId: string | null;
  kind: string;
  language: string;
  messageId: string;
  subject: string;
  state: OutgoingMailTable['state'];
  blockCode?: string | null;
  blockReason?: string | null;
  inboxMessageId?: string | null;
}

/**
 * The record of one message to one recipient: a retry of the same Message-ID to the same address
 * (a release job's second attempt) reuses its rows and its bounce token.
 */
export async function recordOutgoingMail(db: Db, mail: NewOutgoingMail, recipient: { address: string; token: string; state: RecipientState }): Promise<{ mailId: string; recipientId: string; token: string }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('outgoing_mail_recipients')
      .innerJoin('outgoing_mail', 'outgoing_mail.id', 'outgoing_mail_recipients.mail_id')
      .select(['outgoing_mail.id as mailId', 'outgoing_mail_recipients.id as recipientId', 'outgoing_mail_recipients.token'])
      .where('outgoing_mail.message_id', '=', mail.messageId)
      .where('outgoing_mail_recipients.address', '=', recipient.address)
      .where((eb) => (mail.orgId ? eb('outgoing_mail.org_id', '=', mail.orgId) : eb('outgoing_mail.org_id', 'is', null)))
      .executeTakeFirst();
    const fields = { state: mail.state, block_code: mail.blockCode ?? null, block_reason: mail.blockReason ?? null, subject: mail.subject };
    if (existing) {
      await trx.updateTable('outgoing_mail').set(fields).where('id', '=', existing.mailId).execute();
      await trx.updateTable('outgoing_mail_recipients').set({ state: recipient.state, updated_at: new Date() }).where('id', '=', existing.recipientId).execute();
      return existing;
    }
    const row = await trx
      .insertInto('outgoing_mail')
      .values({ id: randomUUID(), org_id: mail.orgId, kind: mail.kind, language: mail.language, message_id: mail.messageId, inbox_message_id: mail.inboxMessageId ?? null, ...fields })
      .returning('id')
      .executeTakeFirstOrThrow();
    const rec = await trx
      .insertInto('outgoing_mail_recipients')
      .values({ id: randomUUID(), mail_id: row.id, org_id: mail.orgId, address: recipient.address, token: recipient.token, state: recipient.state })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { mailId: row.id, recipientId: rec.id, token: recipient.token };
  });
}

export async function recordSmtpResult(db: Db, ids: { mailId: string; recipientId: string }, result: { state: RecipientState; code: number | null; response: string | null; mailState: OutgoingMailTable['state'] }): Promise<void> {
  await db.updateTable('outgoing_mail_recipients').set({ state: result.state, smtp_code: result.code, smtp_response: result.response?.slice(0, 1000) ?? null, updated_at: new Date() }).where('id', '=', ids.recipientId).execute();
  await db.updateTable('outgoing_mail').set({ state: result.mailState }).where('id', '=', ids.mailId).execute();
}

/** Links a sent mail to the app inbox message it became (the inbox row is written after the send). */
export async function linkInboxMessage(db: Db, mailId: string, inboxMessageId: string): Promise<void> {
  await db.updateTable('outgoing_mail').set({ inbox_message_id: inboxMessageId }).where('id', '=', mailId).execute();
}

/** An outgoing recipient row a DSN may be about, with its mail's organisation, Message-ID and kind. */
export interface DsnTarget {
  id: string;
  state: RecipientState;
  address: string;
  orgId: string | null;
  mailId: string;
  messageId: string;
  kind: string;
}

/**
 * The recipient row a DSN names: by its id (a signed return path), by a legacy `+bounce-` token of mail
 * sent after `sentAfter`, or by the returned Message-ID and the reported address.
 */
export async function findDsnTarget(db: Db, match: { recipientId: string } | { token: string; sentAfter: Date } | { messageId: string; address: string }): Promise<DsnTarget | undefined> {
  let query = db
    .selectFrom('outgoing_mail_recipients')
    .innerJoin('outgoing_mail', 'outgoing_mail.id', 'outgoing_mail_recipients.mail_id')
    .select(['outgoing_mail_recipients.id', 'outgoing_mail_recipients.state', 'outgoing_mail_recipients.address', 'outgoing_mail.org_id as orgId', 'outgoing_mail.id as mailId', 'outgoing_mail.message_id as messageId', 'outgoing_mail.kind']);
  if ('recipientId' in match) query = query.where('outgoing_mail_recipients.id', '=', match.recipientId);
  else if ('token' in match) query = query.where('outgoing_mail_recipients.token', '=', match.token).where('outgoing_mail.created_at', '>=', match.sentAfter);
  else query = query.where('outgoing_mail.message_id', '=', match.messageId).where('outgoing_mail_recipients.address', '=', match.address.toLowerCase());
  return query.executeTakeFirst();
}

/** A DSN's verdict on one recipient row; a later "delayed" or "delivered" never hides a bounce already known. False when nothing changed. */
export async function recordDsn(db: Db, target: DsnTarget, dsn: { state: RecipientState; action: string; status: string | null; diagnostic: string | null }): Promise<boolean> {
  if (target.state === 'bounced') return false;
  await db.updateTable('outgoing_mail_recipients').set({ state: dsn.state, dsn_action: dsn.action.slice(0, 40), dsn_status: dsn.status?.slice(0, 40) ?? null, diagnostic: dsn.diagnostic?.slice(0, 1000) ?? null, updated_at: new Date() }).where('id', '=', target.id).where('state', '!=', 'bounced').execute();
  return true;
}

export interface OutgoingMailView {
  id: string;
  kind: string;
  language: string;
  messageId: string;
  subject: string;
  state: OutgoingMailTable['state'];
  blockCode: string | null;
  blockReason: string | null;
  inboxMessageId: string | null;
  createdAt: string;
  recipients: { address: string; state: RecipientState; smtpCode: number | null; smtpResponse: string | null; dsnAction: string | null; dsnStatus: string | null; diagnostic: string | null; updatedAt: string }[];
}

async function withRecipients(db: Db, rows: Selectable<OutgoingMailTable>[]): Promise<OutgoingMailView[]> {
  if (!rows.length) return [];
  const recipients = await db.selectFrom('outgoing_mail_recipients').selectAll().where('mail_id', 'in', rows.map((row) => row.id)).orderBy('address').execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    language: row.language,
    messageId: row.message_id,
    subject: row.subject,
    state: row.state,
    blockCode: row.block_code,
    blockReason: row.block_reason,
    inboxMessageId: row.inbox_message_id,
    createdAt: new Date(row.created_at).toISOString(),
    recipients: recipients
      .filter((r) => r.mail_id === row.id)
      .map((r) => ({ address: r.address, state: r.state, smtpCode: r.smtp_code, smtpResponse: r.smtp_response, dsnAction: r.dsn_action, dsnStatus: r.dsn_status, diagnostic: r.diagnostic, updatedAt: new Date(r.updated_at).toISOString() })),
  }));
}

/** The organisation's outgoing mail, newest first, optionally of one state or kind. */
export async function listOutgoingMail(db: Db, orgId: string, filter: { state?: string; kind?: string; limit: number; offset: number }): Promise<{ items: OutgoingMailView[]; total: number }> {
  let base = db.selectFrom('outgoing_mail').where('org_id', '=', orgId);
  if (filter.state) base = base.where('state', '=', filter.state as OutgoingMailTable['state']);
  if (filter.kind) base = base.where('kind', '=', filter.kind);
  const rows = await base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(filter.limit).offset(filter.offset).execute();
  const total = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return { items: await withRecipients(db, rows), total: Number(total.n) };
}

export async function getOutgoingMail(db: Db, orgId: string, id: string): Promise<OutgoingMailView | null> {
  const row = await db.selectFrom('outgoing_mail').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return row ? ((await withRecipients(db, [row]))[0] ?? null) : null;
}

/** The delivery of the mails that became these inbox messages (an inbox thread's `out` messages). */
export async function deliveryOfInboxMessages(db: Db, orgId: string, inboxMessageIds: string[]): Promise<Map<string, OutgoingMailView>> {
  if (!inboxMessageIds.length) return new Map();
  const rows = await db.selectFrom('outgoing_mail').selectAll().where('org_id', '=', orgId).where('inbox_message_id', 'in', inboxMessageIds).execute();
  return new Map((await withRecipients(db, rows)).map((view) => [view.inboxMessageId!, view]));
}
