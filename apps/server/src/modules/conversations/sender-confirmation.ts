import { randomUUID } from 'node:crypto';
import { ownerToken, type OwnerToken } from '../mail-processing/inbox-owner-mail.js';
import { reporterToken, type ReporterToken } from '../mail-processing/reporter-token.js';
import { DEFAULT_MAIL_LIMITS, parseWithinLimits } from '@marketplace/mail';
import type { ConversationServices } from './conversation-services.js';
import { appendAudit, type AuditEvent } from '../audit/audit-repository.js';
import { detectTextLanguage } from '@marketplace/spec';
import { mailLanguageFor } from '../outgoing-mail/mail-templates.js';
import { bareSubject } from '../outgoing-mail/send-templated-mail.js';
import { sendConversationMail } from './conversation-mail.js';
import { readIncomingMailRaw } from '../mail-intake/incoming-mail-repository.js';
import { newAddressToken } from '../mail-intake/mail-reply.js';

/** How long a confirmation (by reply or signed in) stays valid. */
export const CONFIRMATION_TTL_MS = 24 * 3_600_000;
/** At most one confirmation mail per address in this window (like the unknown-sender answer). */
export const CONFIRMATION_MAIL_EVERY_MS = 15 * 60_000;

/**
 * Stable codes for mail the server refused, in the audit trail (`mail.refused`) and, for most, as the
 * incoming mail's outcome (`refused:<code>`); an unknown sender's mail is `unknown-sender:<answer>`, a
 * sender over MAIL_SENDER_LIMIT_PER_HOUR `rate-limited`.
 */
export type MailRefusal = 'auth' | 'unproven-sender' | 'foreign-token' | 'confirmation-other-sender' | 'confirmation-expired' | 'unknown-sender' | 'rate-limited';

/** One audit entry per refused mail: the code, the claimed sender and the Message-ID; never the body. */
export async function auditMailRefusal(services: ConversationServices, input: MailRefusalInput): Promise<void> {
  await appendAudit(services.db, mailRefusalEvent(input)).catch((error) => services.logger.warn({ err: error, component: 'mail-ingest', code: input.code }, 'could not audit a refused mail'));
}

type MailRefusalInput = { orgId: string | null; code: MailRefusal; sender: string; messageId: string; detail?: string };

/** The audit entry of a refused mail (auditMailRefusal writes it now; an outcome's records write it with the outcome). */
export function mailRefusalEvent(input: MailRefusalInput): AuditEvent {
  return {
    orgId: input.orgId,
    actorType: 'anonymous',
    actorId: null,
    action: 'mail.refused',
    targetType: 'incoming_mail',
    targetId: input.messageId.slice(0, 200),
    result: 'denied',
    details: { code: input.code, sender: input.sender, ...(input.detail ? { detail: input.detail } : {}) },
  };
}

/** Takes the right to send one automatic answer of `kind` to `address` (false while the last one is recent). */
export async function claimReplySlot(services: ConversationServices, address: string, kind: string, everyMs: number): Promise<boolean> {
  const now = new Date();
  const claimed = await services.db
    .insertInto('mail_sender_replies')
    .values({ address, kind, last_at: now })
    .onConflict((oc) => oc.columns(['address', 'kind']).doUpdateSet({ last_at: now }).where('mail_sender_replies.last_at', '<', new Date(now.getTime() - everyMs)))
    .returning('address')
    .executeTakeFirst();
  return claimed !== undefined;
}

/**
 * A first mail whose sender is not proven: kept waiting for a confirmation, and (at most once per
 * address per window) one polite mail to the From address with a fresh reply address that confirms it.
 * Nothing else happens: no conversation, no LLM call, no build.
 */
export async function askForConfirmation(services: ConversationServices, input: { user: { id: string; org_id: string }; sender: string; subject: string; messageId: string }): Promise<'refused:unproven-sender:asked' | 'refused:unproven-sender:limited'> {
  const token = newAddressToken('c');
  await services.db
    .insertInto('mail_sender_confirmations')
    .values({ id: randomUUID(), org_id: input.user.org_id, user_id: input.user.id, address: input.sender, message_id: input.messageId, token, expires_at: new Date(Date.now() + CONFIRMATION_TTL_MS), confirmed_at: null, conversation_id: null })
    .execute();
  await auditMailRefusal(services, { orgId: input.user.org_id, code: 'unproven-sender', sender: input.sender, messageId: input.messageId });
  if (!services.mail.sender || !(await claimReplySlot(services, input.sender, 'confirm-sender', CONFIRMATION_MAIL_EVERY_MS))) return 'refused:unproven-sender:limited';
  const guess = detectTextLanguage(input.subject);
  const language = await mailLanguageFor(services.db, input.user.org_id, { to: { userId: input.user.id }, answered: guess.confident ? guess.language : null });
  const subject = bareSubject(input.subject, language === 'pl' ? 'Twoja prośba' : 'your request');
  await sendConversationMail(services, { orgId: input.user.org_id, kind: 'sender-confirmation', language, params: { subject, requestSubject: subject.slice(0, 120) }, token, to: input.sender, inReplyTo: input.messageId });
  return 'refused:unproven-sender:asked';
}

export type ConfirmationRow = Awaited<ReturnType<typeof confirmationByToken>>;

export function confirmationByToken(services: ConversationServices, token: string) {
  return services.db.selectFrom('mail_sender_confirmations').selectAll().where('token', '=', token).executeTakeFirst();
}

/** Marks a confirmation used, once: false when someone else (or an earlier reply) already did. */
export async function markConfirmed(services: ConversationServices, id: string): Promise<boolean> {
  const row = await services.db.updateTable('mail_sender_confirmations').set({ confirmed_at: new Date() }).where('id', '=', id).where('confirmed_at', 'is', null).returning('id').executeTakeFirst();
  return row !== undefined;
}

/** Unconfirmed, unexpired mail waiting for this user's confirmation (newest first), with each mail's subject. */
export async function pendingConfirmations(services: ConversationServices, userId: string) {
  const rows = await services.db
    .selectFrom('mail_sender_confirmations')
    .innerJoin('incoming_mail', 'incoming_mail.message_id', 'mail_sender_confirmations.message_id')
    .select(['mail_sender_confirmations.id', 'mail_sender_confirmations.address', 'mail_sender_confirmations.created_at', 'mail_sender_confirmations.expires_at', 'incoming_mail.message_id', 'incoming_mail.raw', 'incoming_mail.raw_path'])
    .where('mail_sender_confirmations.user_id', '=', userId)
    .where('mail_sender_confirmations.confirmed_at', 'is', null)
    .where('mail_sender_confirmations.expires_at', '>', new Date())
    .orderBy('mail_sender_confirmations.created_at', 'desc')
    .limit(50)
    .execute();
  return Promise.all(
    rows.map(async (row) => {
      const raw = await readIncomingMailRaw(services.config.dataDir, row).catch(() => null);
      const parsed = raw ? await parseWithinLimits(raw, DEFAULT_MAIL_LIMITS) : null;
      const subject = parsed?.kind === 'parsed' ? (parsed.mail.subject ?? '') : '';
      return { id: row.id, address: row.address, subject: subject.replace(/\0/g, '').slice(0, 200), createdAt: row.created_at, expiresAt: row.expires_at };
    }),
  );
}

export type SenderProof =
  | { kind: 'proven'; thread: { id: string; org_id: string; user_id: string } | undefined }
  | { kind: 'unproven' }
  | { kind: 'confirmation'; confirmation: NonNullable<ConfirmationRow> }
  | { kind: 'inbox-owner'; token: OwnerToken }
  | { kind: 'inbox-reporter'; token: ReporterToken }
  | { kind: 'refused'; code: 'foreign-token' | 'confirmation-other-sender'; orgId: string };

/**
 * What the reply address proves about a known sender: a confirmation address (only its own From may
 * use it), a conversation's `+token` of one of the sender's accounts (proven, and that thread), another
 * user's `+token` (refused), the reply address of an owner's inbox notice (only that owner may use it),
 * the reply address issued to the reporter of an inbox thread (only that reporter may use it), or nothing (proven only when DKIM already passed: `dkimPassed`).
 */
export async function proveSender(services: ConversationServices, input: { token: string | null; sender: string; userIds: string[]; dkimPassed: boolean }): Promise<SenderProof> {
  const { token } = input;
  if (token) {
    const confirmation = await confirmationByToken(services, token);
    if (confirmation) return confirmation.address === input.sender ? { kind: 'confirmation', confirmation } : { kind: 'refused', code: 'confirmation-other-sender', orgId: confirmation.org_id };
    const byToken = await services.db.selectFrom('conversations').select(['id', 'org_id', 'user_id']).where('mail_token', '=', token).executeTakeFirst();
    if (byToken && !input.userIds.includes(byToken.user_id)) return { kind: 'refused', code: 'foreign-token', orgId: byToken.org_id };
    if (byToken) return { kind: 'proven', thread: byToken };
    const owner = await ownerToken(services.db, token);
    if (owner) return input.userIds.includes(owner.user_id) ? { kind: 'inbox-owner', token: owner } : { kind: 'refused', code: 'foreign-token', orgId: owner.org_id };
    const reporter = await reporterToken(services.db, token);
    if (reporter) return input.userIds.includes(reporter.user_id) ? { kind: 'inbox-reporter', token: reporter } : { kind: 'refused', code: 'foreign-token', orgId: reporter.org_id };
  }
  return input.dkimPassed ? { kind: 'proven', thread: undefined } : { kind: 'unproven' };
}
