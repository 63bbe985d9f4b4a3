import { LRUCache } from 'lru-cache';
import { classifyIncoming, DEFAULT_MAIL_LIMITS, parseWithinLimits } from '@marketplace/mail';
import { appendAudit } from '../audit/audit-repository.js';
import { MailIntakeError } from '../mail-intake/mail-intake-error.js';
import type { AddressObject, ParsedMail } from 'mailparser';
import type { ConversationServices } from './conversation-services.js';
import { converse } from './conversation-engine.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { readIncomingMailRaw, senderMailCount, type IncomingMailRow, type MailOutcome } from '../mail-intake/incoming-mail-repository.js';
import { newTextOf } from '../mail-intake/mail-reply.js';
import { splitChangeReply } from '../mail-processing/inbox-owner-mail.js';
import { mailLanguageFor } from '../outgoing-mail/mail-templates.js';
import { bareSubject } from '../outgoing-mail/send-templated-mail.js';
import { sendConversationMail } from './conversation-mail.js';
import { detectTextLanguage } from '@marketplace/spec';
import { verifySender, type DnsResolver } from '../mail-intake/verify-sender.js';
import type { TrustVerdict } from '../mail-processing/mail-pipeline.js';
import { notice, type Notice } from '../../http/notice.js';
import type { TrustOutcome } from './trust-outcomes.js';
import { askForConfirmation, auditMailRefusal, claimReplySlot, mailRefusalEvent, markConfirmed, proveSender, type MailRefusal } from './sender-confirmation.js';

export interface IncomingMailOutcome {
  messageId: string;
  /**
   * `duplicate`, `ignored:<bounce|auto-reply|list>`, `unknown-sender:<replied|ignored|limited>`, `rate-limited`, `answered`,
   * `confirmed-sender`, or a refusal: `refused:auth`, `refused:unproven-sender:<asked|limited>`, `refused:foreign-token`,
   * `refused:confirmation-other-sender`, `refused:confirmation-expired`.
   */
  outcome: string;
  conversationId: string | null;
}

export interface IncomingMailOptions {
  /** DNS for DKIM/DMARC checks (tests answer from a table). */
  resolver?: DnsResolver;
}

const UNKNOWN_REPLY_EVERY_MS = 24 * 3_600_000;
/** Senders whose mail over the limit was logged in the last minute (bounded: a flood of forged senders cannot grow it). */
const floodLogged = new LRUCache<string, true>({ max: 10_000, ttl: 60_000 });

/**
 * The active accounts of `sender` (From), each with `recent`: how many mails this envelope sender
 * sent in the last hour, counted up to MAIL_SENDER_LIMIT_PER_HOUR + 1 (so a sender's flood costs the
 * same per message however large it grows). One statement for both: every message needs them.
 */
function accountsWithRecentMail(services: ConversationServices, sender: string, envelopeFrom: string) {
  const limit = services.config.mailIngest.senderLimitPerHour;
  const since = new Date(Date.now() - 3_600_000);
  return services.db
    .selectFrom('users')
    .select(['id', 'org_id', 'email'])
    .select(senderMailCount(envelopeFrom, since, limit + 1).as('recent'))
    .where(({ fn }) => fn('lower', ['email']), '=', sender)
    .where('status', '=', 'active')
    .execute();
}
const addressesOf = (value: AddressObject | AddressObject[] | undefined) => (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value.map((v) => v.address?.toLowerCase() ?? '')).filter(Boolean);

/** `marketplace+<token>@…` among the recipients (a subject the sender wrote never proves anything). */
function tokenOf(recipients: string[]): string | null {
  for (const address of recipients) {
    const match = /^[^@+]+\+([a-z0-9]{6,40})@/i.exec(address);
    if (match) return match[1]!.toLowerCase();
  }
  return null;
}

/**
 * What to do with one stored, claimed message: the outcome to record (the caller records it).
 * Throws only when something broke (the caller quarantines the message).
 */
export async function decideIncomingMail(services: ConversationServices, row: IncomingMailRow, raw: Buffer, options: IncomingMailOptions = {}): Promise<MailOutcome> {
  const decision = await decideByTrust(services, row, raw, options);
  // The one point where the inbound pipeline sees every message: it records its analysis and may
  // route a proven sender's mail elsewhere (an app's inbox, or set aside); the trust rules' outcome stands otherwise.
  const records = decision.outcome?.records;
  const routed = services.mailPipeline
    ? await services.mailPipeline.analyse({ row, raw, trust: decision.trust, ...(decision.outcome ? { outcome: decision.outcome.outcome } : {}), ...(decision.mail ? { mail: decision.mail } : {}), ...(records ? { recordWithOutcome: true } : {}) })
    : null;
  // an outcome written with its records takes the analysis along (the pipeline left it unwritten)
  if (records && routed?.record) return { ...decision.outcome!, records: { ...records, rows: [...(records.rows ?? []), routed.record] } };
  if (!decision.answer) return decision.outcome;
  // The model may use the organisation's MCP tools only for mail the pipeline found clean (unproven mail never gets here).
  return routed?.outcome ?? decision.answer({ mcpTools: routed?.clean === true });
}

/** Why the trust rules refused a mail, as the mail analysis records it (the UI words it). */
const REFUSAL_NOTICES: Partial<Record<MailRefusal, Notice['code']>> = {
  'foreign-token': 'mailStage.senderForeignToken',
  'confirmation-other-sender': 'mailStage.senderConfirmationOtherSender',
  'confirmation-expired': 'mailStage.senderConfirmationExpired',
};
const refusalNotice = (code: MailRefusal): Notice => (REFUSAL_NOTICES[code] ? notice(REFUSAL_NOTICES[code]) : notice('mailStage.senderRefused', { refusal: code }));

type TrustDecision = { trust: TrustVerdict; mail?: ParsedMail } & ({ outcome: MailOutcome; answer?: undefined } | { outcome?: undefined; answer: (turn: { mcpTools: boolean }) => Promise<MailOutcome> });

/**
 * The trust rules: the outcome for mail they decide (ignored, refused, unknown or unproven sender,
 * rate-limited), or, for a proven sender, the conversation turn to run — with the verdict and its reason.
 */
async function decideByTrust(services: ConversationServices, row: IncomingMailRow, raw: Buffer, options: IncomingMailOptions): Promise<TrustDecision> {
  const messageId = row.message_id;
  const log = services.logger.child({ component: 'mail-ingest', messageId });
  let trust: TrustVerdict = { result: 'not-checked', notice: notice('mailStage.senderNotRead') };
  let parsed: ParsedMail | undefined;
  const finish = async (outcome: TrustOutcome, orgId: string | null = null, conversationId: string | null = null): Promise<TrustDecision> => ({ outcome: { outcome, orgId, conversationId }, trust: { ...trust, orgId: trust.orgId ?? orgId }, ...(parsed ? { mail: parsed } : {}) });
  const provenTurn = (user: { id: string; org_id: string }, why: Notice, answer: (mcpTools: boolean) => Promise<[string, string, string]>): TrustDecision => ({
    trust: { result: 'proven', notice: why, userId: user.id, orgId: user.org_id },
    ...(parsed ? { mail: parsed } : {}),
    answer: async (turn) => {
      const [outcome, orgId, conversationId] = await answer(turn.mcpTools);
      return { outcome, orgId, conversationId };
    },
  });
  const kind = classifyIncoming(raw, { envelopeFrom: row.envelope_from });
  if (kind.kind !== 'normal') {
    trust = { result: 'not-checked', notice: notice('mailStage.automatic', { mailKind: kind.kind, header: kind.reason.slice(0, 200) }) };
    return await finish(`ignored:${kind.kind}`);
  }
  // Parts, depth and header sizes are checked before the full parse; mail past them is quarantined with the reason.
  const mail = (parsed = await parseMail(raw));
  const sender = addressesOf(mail.from)[0] ?? row.envelope_from;
  if (!sender) return await finish('ignored:no-sender');
  // Proof of the sender: a DKIM pass aligned with From (when checked), a reply address the server issued to this user, or a confirmation.
  let proven = false;
  if (services.config.mailIngest.verifyAuth) {
    const verdict = await verifySender(raw, row.envelope_from, options.resolver);
    if (!verdict.ok) {
      log.warn({ reason: verdict.reason, code: 'auth' }, 'incoming mail failed DKIM/DMARC; refused');
      await auditMailRefusal(services, { orgId: null, code: 'auth', sender, messageId: row.message_id, detail: verdict.reason });
      trust = { result: 'refused', notice: notice('mailStage.senderAuthFailed', { detail: verdict.reason.slice(0, 200) }) };
      return await finish('refused:auth');
    }
    proven = true;
  }
  const recipients = [...row.envelope_to, ...addressesOf(mail.to), ...addressesOf(mail.cc)];
  const subject = (mail.subject ?? '').replace(/\0/g, '');
  const token = tokenOf(recipients);
  const users = await accountsWithRecentMail(services, sender, row.envelope_from);
  if (!users.length) {
    const unknown = await answerUnknownSender(services, sender, token, subject, row.message_id);
    log.info({ code: 'unknown-sender', answer: unknown.outcome }, 'incoming mail from an address with no account; not read');
    await auditMailRefusal(services, { orgId: unknown.orgId, code: 'unknown-sender', sender, messageId: row.message_id, detail: unknown.outcome });
    trust = { result: 'unknown-sender', notice: notice('mailStage.senderUnknown') };
    return await finish(unknown.outcome, unknown.orgId);
  }

  if (Number(users[0]!.recent) > services.config.mailIngest.senderLimitPerHour) {
    // a flood is logged once per sender a minute (each message is still audited and recorded)
    if (floodLogged.get(row.envelope_from) === undefined) {
      floodLogged.set(row.envelope_from, true);
      log.warn({ code: 'rate-limited', limitPerHour: services.config.mailIngest.senderLimitPerHour }, 'incoming mail over the sender limit; not read (further mail from this sender over the limit is not logged for a minute; each is audited)');
    }
    trust = { result: 'limited', notice: notice('mailStage.senderLimited', { limit: services.config.mailIngest.senderLimitPerHour }) };
    const limited = await finish('rate-limited', users[0]!.org_id);
    // nothing is done for mail over the limit but its records: the audit entry (and the analysis the
    // pipeline adds) are written with the outcome, in its transaction — so a flood's outcomes can be
    // written together, and a message run again after a crash is not audited twice
    const audit = mailRefusalEvent({ orgId: users[0]!.org_id, code: 'rate-limited', sender, messageId: row.message_id, detail: `more than ${services.config.mailIngest.senderLimitPerHour} mails in the last hour (MAIL_SENDER_LIMIT_PER_HOUR)` });
    return { ...limited, outcome: { ...limited.outcome!, records: { audit: [audit] } } } as TrustDecision;
  }

  const refuse = async (code: 'foreign-token' | 'confirmation-other-sender' | 'confirmation-expired', orgId: string | null) => {
    log.warn({ code }, 'incoming mail refused');
    await auditMailRefusal(services, { orgId, code, sender, messageId: row.message_id });
    trust = { result: 'refused', notice: refusalNotice(code) };
    return finish(`refused:${code}`, orgId);
  };

  const proof = await proveSender(services, { token, sender, userIds: users.map((u) => u.id), dkimPassed: proven });
  if (proof.kind === 'refused') return await refuse(proof.code, proof.orgId);
  if (proof.kind === 'unproven') trust = { result: 'unproven', notice: notice(services.config.mailIngest.verifyAuth ? 'mailStage.senderUnproven' : 'mailStage.senderUnprovenNoDkim') };
  if (proof.kind === 'unproven') return await finish(await askForConfirmation(services, { user: users[0]!, sender, subject, messageId: row.message_id }), users[0]!.org_id);
  if (proof.kind === 'inbox-owner') {
    // An owner's answer to the notice of an inbox message: sent to the reporter, or (CHANGE:) built as the next version.
    const owner = users.find((u) => u.id === proof.token.user_id)!;
    trust = { result: 'proven', notice: notice('mailStage.senderInboxOwner'), userId: owner.id, orgId: owner.org_id };
    if (!services.inboxChanges) return await finish('ignored:inbox-replies-off', owner.org_id);
    const outcome = await services.inboxChanges.replyByMail({ token: proof.token, text: newTextOf(mail.text ?? ''), ownerAddress: sender, inReplyTo: row.message_id, subject });
    await appendAudit(services.db, { orgId: owner.org_id, actorType: 'user', actorId: owner.id, action: 'message.reply', targetType: 'message', targetId: proof.token.inbox_message_id, result: outcome === 'inbox-reply:refused' ? 'denied' : 'success', details: { channel: 'email', outcome } });
    return await finish(outcome, owner.org_id);
  }
  if (proof.kind === 'inbox-reporter') {
    // The reporter's reply in their report's thread: `CHANGE:` as the first line asks for a change (what the
    // organisation's inbox.reporterChanges allows); anything else is an ordinary proven reply in the thread.
    const reporter = users.find((u) => u.id === proof.token.user_id)!;
    const text = newTextOf(mail.text ?? '');
    const { change } = splitChangeReply(text);
    if (!change) return provenTurn(reporter, notice('mailStage.senderReporterReply'), () => answerProven(services, { row, mail, sender, user: reporter, thread: undefined }));
    trust = { result: 'proven', notice: notice('mailStage.senderReporterChange'), userId: reporter.id, orgId: reporter.org_id };
    if (!services.inboxChanges) return await finish('ignored:inbox-replies-off', reporter.org_id);
    const refs = [mail.inReplyTo, ...(Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : [])].filter((v): v is string => Boolean(v)).slice(0, 50);
    const outcome = await services.inboxChanges.reporterChangeByMail({ token: proof.token, change, text, reporterAddress: sender, messageId: row.message_id, refs, subject });
    await appendAudit(services.db, { orgId: reporter.org_id, actorType: 'user', actorId: reporter.id, action: 'message.reporter-change', targetType: 'message', targetId: proof.token.inbox_message_id, result: outcome === 'reporter-change:refused' || outcome === 'reporter-change:limited' ? 'denied' : 'success', details: { channel: 'email', outcome } });
    return await finish(outcome, reporter.org_id);
  }
  if (proof.kind === 'confirmation') {
    // A reply to a confirmation address: it runs the waiting mail, once; later replies continue that conversation.
    const { confirmation } = proof;
    if (confirmation.confirmed_at && confirmation.conversation_id) {
      const thread = { id: confirmation.conversation_id, user_id: confirmation.user_id, org_id: confirmation.org_id };
      const user = users.find((u) => u.id === confirmation.user_id) ?? users[0]!;
      return provenTurn(user, notice('mailStage.senderConfirmedReply'), (mcpTools) => answerProven(services, { row, mail, sender, user, thread, mcpTools }));
    }
    if (new Date(confirmation.expires_at).getTime() <= Date.now()) return await refuse('confirmation-expired', confirmation.org_id);
    const started = await runConfirmed(services, confirmation.id);
    trust = { result: 'proven', notice: notice('mailStage.senderConfirmed') };
    if (!started) return await finish('duplicate', confirmation.org_id);
    return await finish('confirmed-sender', confirmation.org_id, started.conversationId);
  }
  const { thread } = proof;
  const user = users.find((u) => u.id === thread?.user_id) ?? users[0]!;
  const why = notice(thread ? 'mailStage.senderConversationReply' : 'mailStage.senderDkim');
  return provenTurn(user, why, (mcpTools) => answerProven(services, { row, mail, sender, user, thread, users, mcpTools }));
}

/**
 * Runs a mail waiting for its sender's confirmation, once (the reply to the confirmation address,
 * or the user signed in): it starts or continues the conversation as if it had just arrived proven.
 * Returns null when it was confirmed already.
 */
export async function runConfirmed(services: ConversationServices, confirmationId: string): Promise<{ conversationId: string } | null> {
  const confirmation = await services.db.selectFrom('mail_sender_confirmations').selectAll().where('id', '=', confirmationId).executeTakeFirstOrThrow();
  if (!(await markConfirmed(services, confirmation.id))) return null;
  const row = await services.db.selectFrom('incoming_mail').select(['message_id', 'raw', 'raw_path']).where('message_id', '=', confirmation.message_id).executeTakeFirstOrThrow();
  const mail = await parseMail(await readIncomingMailRaw(services.config.dataDir, row));
  const user = await services.db.selectFrom('users').select(['id', 'org_id', 'email']).where('id', '=', confirmation.user_id).executeTakeFirstOrThrow();
  const [, , conversationId] = await answerProven(services, { row, mail, sender: confirmation.address, user, thread: undefined, users: [user] });
  await services.db.updateTable('mail_sender_confirmations').set({ conversation_id: conversationId }).where('id', '=', confirmation.id).execute();
  await services.db.updateTable('incoming_mail').set({ org_id: user.org_id, conversation_id: conversationId }).where('message_id', '=', row.message_id).execute();
  return { conversationId };
}

/** The message parsed within the mail limits (parts, depth, header size checked first); mail past them throws (it is quarantined with the reason). */
async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const parsed = await parseWithinLimits(raw, DEFAULT_MAIL_LIMITS, { htmlToText: true });
  if (parsed.kind === 'parsed') return parsed.mail;
  throw new MailIntakeError(parsed.code === 'TOO_LARGE' ? 'TOO_LARGE' : 'MALFORMED_MIME', parsed.message);
}

/**
 * The conversation turn for mail whose sender is proven. Threading follows only the server's own
 * outgoing Message-IDs of this sender's conversations (or the +token thread given), never an id the sender chose.
 */
async function answerProven(
  services: ConversationServices,
  input: { row: { message_id: string }; mail: ParsedMail; sender: string; user: { id: string; org_id: string }; thread: { id: string; user_id: string } | undefined; users?: { id: string }[]; mcpTools?: boolean },
): Promise<[string, string, string]> {
  const { row, mail, sender } = input;
  const subject = (mail.subject ?? '').replace(/\0/g, '');
  const refs = [mail.inReplyTo, ...(Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : [])].filter((v): v is string => Boolean(v)).slice(0, 50);
  let thread = input.thread;
  let user = input.user;
  if (!thread && refs.length) {
    const ids = (input.users ?? [input.user]).map((u) => u.id);
    thread = await services.db
      .selectFrom('conversation_mail_ids')
      .innerJoin('conversations', 'conversations.id', 'conversation_mail_ids.conversation_id')
      .select(['conversations.id', 'conversations.user_id'])
      .where('conversation_mail_ids.message_id', 'in', refs)
      .where('conversation_mail_ids.direction', '=', 'out')
      .where('conversations.user_id', 'in', ids)
      .executeTakeFirst();
    if (thread && thread.user_id !== user.id) user = (await services.db.selectFrom('users').select(['id', 'org_id']).where('id', '=', thread.user_id).executeTakeFirstOrThrow());
  }
  const text = newTextOf(mail.text ?? '');
  const result = await converse(services, { orgId: user.org_id, userId: user.id, channel: 'email', ...(thread ? { conversationId: thread.id } : {}), text: text || subject }, { mcpTools: input.mcpTools === true });
  await services.db.insertInto('conversation_mail_ids').values({ message_id: row.message_id, conversation_id: result.id, org_id: user.org_id, direction: 'in' }).onConflict((oc) => oc.column('message_id').doNothing()).execute();
  const conversation = await services.db.selectFrom('conversations').select('mail_token').where('id', '=', result.id).executeTakeFirstOrThrow();
  const actionsLine = result.actions.some((a) => a.id === 'build') ? (result.language === 'pl' ? '\n\nOdpowiedz „tak”, aby zbudować tę aplikację.' : '\n\nReply “yes” to build this app.') : '';
  const language = await mailLanguageFor(services.db, user.org_id, { answered: result.language });
  const sent = await sendConversationMail(services, { orgId: user.org_id, kind: 'conversation-answer', language, params: { subject: bareSubject(subject, language === 'pl' ? 'Twoja prośba' : 'your request'), text: result.reply + actionsLine }, token: conversation.mail_token, to: sender, quote: text, inReplyTo: row.message_id, references: [...refs, row.message_id].slice(-10) });
  if (sent) await services.db.insertInto('conversation_mail_ids').values({ message_id: sent, conversation_id: result.id, org_id: user.org_id, direction: 'out' }).execute();
  return [sent ? 'answered' : 'answered:not-sent', user.org_id, result.id];
}

/**
 * One polite answer per unknown address a day (or none, per the org's `mail.unknownSenders`), and nothing
 * else. Answers the outcome and the organisation the mail concerns (the one its +token names, or the only
 * one on this server; null when that cannot be told).
 */
async function answerUnknownSender(services: ConversationServices, sender: string, token: string | null, subject: string, messageId: string): Promise<{ outcome: Extract<TrustOutcome, `unknown-sender:${string}`>; orgId: string | null }> {
  const byToken = token ? await services.db.selectFrom('conversations').select('org_id').where('mail_token', '=', token).executeTakeFirst() : undefined;
  const orgs = byToken ? [{ id: byToken.org_id }] : await services.db.selectFrom('organizations').select('id').limit(2).execute();
  const orgId = orgs.length === 1 ? orgs[0]!.id : null;
  const policy = orgId ? (await getOrgSettings(services.db, orgId)).mail.unknownSenders : 'reply-once';
  if (policy === 'ignore') return { outcome: 'unknown-sender:ignored', orgId };
  const claimed = await claimReplySlot(services, sender, 'unknown-sender', UNKNOWN_REPLY_EVERY_MS);
  if (!claimed) return { outcome: 'unknown-sender:limited', orgId };
  // the subject is all that was read of the mail: its language if it tells one, else the organisation's
  const guess = detectTextLanguage(subject);
  const language = await mailLanguageFor(services.db, orgId, { to: { email: sender }, answered: guess.confident ? guess.language : null });
  await sendConversationMail(services, { orgId, kind: 'unknown-sender', language, params: { subject: bareSubject(subject, language === 'pl' ? 'Twoja wiadomość' : 'your message') }, token: null, to: sender, inReplyTo: messageId });
  return { outcome: 'unknown-sender:replied', orgId };
}
