import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/schema.js';
import { serverAddress } from '../mail-intake/embedded-mail-hub.js';
import { newAddressToken, tokenAddress } from '../mail-intake/mail-reply.js';
import { messageIdFor } from '../mail-intake/mail-sender.js';
import { mailLanguageFor } from '../outgoing-mail/mail-templates.js';
import { bareSubject, sendTemplatedMail } from '../outgoing-mail/send-templated-mail.js';
import type { InboxChangeDeps, InboxChanges } from './inbox-change.js';
import { appOwnerUserIds, findInboxMessage } from './inbox-repository.js';
import { sendInboxReply } from './inbox-reply.js';
import { MailProcessingError } from './mail-processing-error.js';

/**
 * Owners hear of feedback and bug reports by mail, and answer by mail (decision 0032, "By mail"): each
 * owner's notice comes from a reply address of its own (`marketplace+o<token>@…`), issued to that owner
 * for that message. A reply to it from the owner's account address answers the reporter in the thread;
 * a first line `CHANGE:` (or `ZMIANA:`) is the explicit change that builds the app's next version — never
 * a guess from the text. The owner gets one mail back saying what was done.
 */

export interface NewInboxMessageNotice {
  orgId: string;
  inboxId: string;
  appTitle: string;
  /** Owners to tell (the reporter is left out when they own the app). */
  owners: string[];
  reporterUserId: string | null;
  sender: string;
  subject: string;
  summary: string;
  body: string;
  classification: string;
  language: string;
}

/** What an owner's reply by mail did: the outcome recorded for the incoming message. */
export type OwnerReplyOutcome = 'inbox-reply:sent' | 'inbox-reply:change-building' | 'inbox-reply:change-needs-answer' | 'inbox-reply:change-not-understood' | 'inbox-reply:refused' | 'inbox-reply:empty';

export interface OwnerToken {
  token: string;
  org_id: string;
  user_id: string;
  inbox_message_id: string;
}

const CHANGE_LINE = /^\s*(?:change|zmiana)\s*:\s*(.*)$/i;

/** The change the owner asked for (`CHANGE: …` as the first line, continued until a blank line) and the answer for the reporter (the rest). */
export function splitChangeReply(text: string): { change: string | null; answer: string } {
  const lines = text.replace(/\r/g, '').split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  const match = first >= 0 ? CHANGE_LINE.exec(lines[first]!) : null;
  if (!match) return { change: null, answer: text.trim() };
  let end = first + 1;
  while (end < lines.length && lines[end]!.trim() !== '') end += 1;
  const change = [match[1]!, ...lines.slice(first + 1, end)].join(' ').replace(/\s+/g, ' ').trim();
  return { change: change || null, answer: lines.slice(end).join('\n').trim() };
}

export function ownerToken(db: Db, token: string): Promise<OwnerToken | undefined> {
  return db.selectFrom('mail_inbox_owner_tokens').select(['token', 'org_id', 'user_id', 'inbox_message_id']).where('token', '=', token).executeTakeFirst();
}

const KIND_WORDS: Record<string, [string, string]> = {
  'bug-report': ['Bug report', 'Zgłoszenie błędu'],
  feedback: ['Feedback', 'Opinia'],
  'change-request': ['Change suggested by the reporter', 'Zmiana proponowana przez zgłaszającego'],
  'change-approval': ['Change to approve', 'Zmiana do zatwierdzenia'],
};
const kindWords = (classification: string, pl: boolean) => (KIND_WORDS[classification] ?? ['Message', 'Wiadomość'])[pl ? 1 : 0];

/** Mails each owner of the app about a new inbox message, from a reply address issued to that owner for that message. */
export async function mailOwners(deps: InboxChangeDeps, n: NewInboxMessageNotice): Promise<void> {
  const { db, mail, logger } = deps;
  if (!mail.sender) return;
  const owners = n.owners.filter((id) => id !== n.reporterUserId);
  if (!owners.length) return;
  const users = await db.selectFrom('users').select(['id', 'email']).where('id', 'in', owners).where('status', '=', 'active').execute();
  // each owner in their own language when they chose one, else the message's
  const paramsIn = (language: 'en' | 'pl') => ({
    appTitle: n.appTitle,
    what: kindWords(n.classification, language === 'pl'),
    subject: n.subject.slice(0, 200),
    sender: n.sender,
    summary: n.summary,
    quoted: n.body.split('\n').slice(0, 40).map((l) => `> ${l}`).join('\n'),
    link: `${deps.publicUrl}/messages?message=${n.inboxId}`,
  });
  for (const user of users) {
    const language = await mailLanguageFor(db, n.orgId, { to: { userId: user.id }, answered: n.language });
    const params = paramsIn(language);
    const token = newAddressToken('o');
    const address = tokenAddress(serverAddress(mail.address), token);
    try {
      // From and Reply-To the address issued to this owner for this message; the reporter's words are quoted, their links not checked as ours.
      const noticeId = messageIdFor(mail.address, `owner-notice.${randomBytes(8).toString('hex')}`);
      await db.insertInto('mail_inbox_owner_tokens').values({ token, org_id: n.orgId, user_id: user.id, inbox_message_id: n.inboxId, notice_message_id: noticeId }).execute();
      const sent = await sendTemplatedMail({ db, publicUrl: deps.publicUrl, from: mail.address, sender: mail.sender, logger }, { orgId: n.orgId, kind: 'owner-notice', language, params, to: user.email, from: { name: 'Marketplace', address }, replyTo: address, messageId: noticeId, notLinks: ['summary', 'quoted'] });
      if (!sent.sent) logger.warn({ component: 'inbox-owner-mail', inboxId: n.inboxId, code: sent.blocked?.code ?? 'NOT_SENT' }, 'an owner was not told of a new message by mail (it is in the inbox)');
    } catch (error) {
      logger.warn({ component: 'inbox-owner-mail', inboxId: n.inboxId, err: error }, 'an owner was not told of a new message by mail (it is in the inbox)');
    }
  }
}

function outcomeText(language: string, outcome: OwnerReplyOutcome, detail: { title: string; reporter: string; reply?: string; version?: string | null; link: string }): string {
  const pl = language === 'pl';
  switch (outcome) {
    case 'inbox-reply:sent':
      return pl ? `Twoja odpowiedź została wysłana do ${detail.reporter}.` : `Your answer was sent to ${detail.reporter}.`;
    case 'inbox-reply:change-building':
      return pl
        ? `Zmiana jest budowana jako następna wersja „${detail.title}”: ${detail.reply}\n\nOdpowiedź wysłano do ${detail.reporter}; dostanie wiadomość, gdy wersja zostanie opublikowana. Postęp: ${detail.link}`
        : `The change is being built as the next version of “${detail.title}”: ${detail.reply}\n\nYour answer was sent to ${detail.reporter}; they are mailed when the version is published. Progress: ${detail.link}`;
    case 'inbox-reply:change-needs-answer':
      return pl
        ? `Zmiana otworzyła pytanie, więc nic jeszcze nie jest budowane: ${detail.reply}\n\nOdpowiedz w rozmowie: ${detail.link}. Odpowiedź wysłano do ${detail.reporter}.`
        : `The change opened a question, so nothing is built yet: ${detail.reply}\n\nAnswer it in the conversation: ${detail.link}. Your answer was sent to ${detail.reporter}.`;
    case 'inbox-reply:change-not-understood':
      return pl
        ? `Zmiana nie została zrozumiana, więc niczego nie zmieniono ani nie wysłano: ${detail.reply}\n\nNapisz ją np. tak: „ZMIANA: dodaj pole notatki”.`
        : `The change was not understood, so nothing was changed or sent: ${detail.reply}\n\nPut it like "CHANGE: add a notes field" or "CHANGE: make the end date optional".`;
    case 'inbox-reply:refused':
      return pl ? `Nie jesteś już właścicielem „${detail.title}”, więc niczego nie wysłano ani nie zmieniono.` : `You are no longer an owner of “${detail.title}”, so nothing was sent or changed.`;
    case 'inbox-reply:empty':
      return pl ? 'Odpowiedź była pusta, więc niczego nie wysłano.' : 'Your reply was empty, so nothing was sent.';
  }
}

const defaultAnswer = (language: string, change: string) =>
  language === 'pl' ? `Dziękujemy za zgłoszenie. Wprowadzamy zmianę: ${change}. Dostaniesz wiadomość, gdy nowa wersja będzie opublikowana.` : `Thank you for the report. We are making this change: ${change}. You will get a mail when the new version is published.`;

/**
 * An owner's reply by mail to their notice: the answer to the reporter, or (first line `CHANGE:`) the
 * change built as the next version with that answer — the same path as the inbox page. The owner's proof
 * (their account's From and the address issued to them) is checked by the caller; ownership is checked
 * again here, so a notice outlives no one's rights. Answers the outcome and mails the owner what was done.
 */
export async function replyByMail(
  deps: InboxChangeDeps & { changes: InboxChanges },
  input: { token: OwnerToken; text: string; ownerAddress: string; inReplyTo: string; subject: string },
): Promise<OwnerReplyOutcome> {
  const { db, mail } = deps;
  const { token } = input;
  const message = await findInboxMessage(db, token.org_id, token.inbox_message_id, { userId: null, admin: true });
  if (!message) return 'inbox-reply:refused';
  const { change, answer } = splitChangeReply(input.text);
  const link = `${deps.publicUrl}/messages?message=${message.id}`;
  let outcome: OwnerReplyOutcome;
  let detail: { reply?: string; link: string } = { link };
  if (!(await appOwnerUserIds(db, message.app_id)).includes(token.user_id)) outcome = 'inbox-reply:refused';
  else if (change) {
    try {
      const result = await deps.changes.replyWithChange({ orgId: token.org_id, userId: token.user_id, messageId: message.id, text: answer || defaultAnswer(message.language, change), change });
      outcome = result.change.state === 'building' ? 'inbox-reply:change-building' : 'inbox-reply:change-needs-answer';
      detail = { reply: result.change.reply, link: result.change.state === 'building' ? link : `${deps.publicUrl}/chat/${result.change.conversationId}` };
    } catch (error) {
      if (!(error instanceof MailProcessingError) || error.processingCode !== 'CHANGE_NOT_UNDERSTOOD') throw error;
      outcome = 'inbox-reply:change-not-understood';
      detail = { reply: error.message, link };
    }
  } else if (!answer) outcome = 'inbox-reply:empty';
  else {
    await sendInboxReply(db, mail, { orgId: token.org_id, userId: token.user_id, message, text: answer });
    outcome = 'inbox-reply:sent';
  }
  if (mail.sender) {
    const address = tokenAddress(serverAddress(mail.address), token.token);
    const language = await mailLanguageFor(db, token.org_id, { to: { userId: token.user_id }, answered: message.language });
    const text = outcomeText(language, outcome, { title: message.app_title, reporter: message.sender, ...detail });
    const back = await sendTemplatedMail({ db, publicUrl: deps.publicUrl, from: mail.address, sender: mail.sender, logger: deps.logger }, { orgId: token.org_id, kind: 'owner-reply-result', language, params: { subject: bareSubject(input.subject, message.app_title), text }, to: input.ownerAddress, from: { name: 'Marketplace', address }, replyTo: address, inReplyTo: input.inReplyTo, autoSubmitted: 'auto-replied' });
    if (!back.sent) deps.logger.warn({ component: 'inbox-owner-mail', code: back.blocked?.code ?? 'NOT_SENT', outcome }, 'the owner was not told by mail what their reply did');
  }
  return outcome;
}
