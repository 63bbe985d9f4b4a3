import type { MailSender } from '@marketplace/mail';
import type { Db } from '../../db/schema.js';
import { serverAddress } from '../mail-intake/embedded-mail-hub.js';
import { mailLanguageFor } from '../outgoing-mail/mail-templates.js';
import { linkInboxMessage } from '../outgoing-mail/outgoing-mail-repository.js';
import { bareSubject, sendTemplatedMail } from '../outgoing-mail/send-templated-mail.js';
import { tokenAddress } from '../mail-intake/mail-reply.js';
import { insertInboxMessage, markReplied } from './inbox-repository.js';
import { issueReporterToken } from './reporter-token.js';
import { MailProcessingError } from './mail-processing-error.js';

export interface InboxReplyInput {
  orgId: string;
  userId: string | null;
  /** The message answered (an incoming inbox message). */
  message: { id: string; app_id: string; thread_id: string; message_id: string; refs: string[]; sender: string; subject: string; language: string; classification: string; user_id?: string | null };
  text: string;
}

/** The outgoing mail path an inbox thread answers through (the conversations' one). */
export interface ThreadMail {
  sender: MailSender | null;
  /** SMTP_FROM. */
  address: string;
  publicUrl: string;
}

/**
 * A mail in an inbox thread from the marketplace's address, answering `message` in its language
 * (the `inbox-reply` template); it joins the thread as an `out` message. A mail the compliance check
 * blocks is recorded (Outgoing mail) and refused with its reason; the draft is kept.
 */
export async function sendThreadMail(db: Db, mail: ThreadMail, input: InboxReplyInput & { classification: string }): Promise<{ id: string; messageId: string }> {
  if (!mail.sender) throw new MailProcessingError('MAIL_NOT_CONFIGURED', 'No outgoing mail path: set SMTP_HOST (a relay) or run the embedded mail hub on a fixed SMTP_LISTEN_PORT.');
  const { message } = input;
  const language = await mailLanguageFor(db, input.orgId, { to: { email: message.sender }, answered: message.language });
  const references = [...message.refs, message.message_id].slice(-20);
  const subject = bareSubject(message.subject, language === 'pl' ? 'Twoja wiadomość' : 'your message');
  const token = message.user_id ? await issueReporterToken(db, { orgId: input.orgId, userId: message.user_id, threadId: message.thread_id, inboxMessageId: message.id }) : null;
  const replyTo = token ? tokenAddress(serverAddress(mail.address), token) : undefined;
  const sent = await sendTemplatedMail({ db, publicUrl: mail.publicUrl, from: mail.address, sender: mail.sender }, { orgId: input.orgId, kind: 'inbox-reply', language, params: { subject, text: input.text.trim() }, to: message.sender, inReplyTo: message.message_id, references, autoSubmitted: 'no', ...(replyTo ? { replyTo } : {}) });
  if (sent.blocked) throw new MailProcessingError('REPLY_BLOCKED', `The reply was not sent: ${sent.blocked.message} The draft is kept.`, sent.blocked.notice);
  if (!sent.sent) throw new MailProcessingError('REPLY_NOT_SENT', `The reply was not sent (${sent.result.ok ? 'recipient refused' : sent.result.code}); the draft is kept, try again later.`);
  const id = await insertInboxMessage(db, {
    orgId: input.orgId,
    appId: message.app_id,
    threadId: message.thread_id,
    direction: 'out',
    analysisId: null,
    messageId: sent.messageId,
    refs: references,
    sender: serverAddress(mail.address),
    userId: input.userId,
    subject: sent.subject,
    body: input.text.trim(),
    summary: '',
    classification: input.classification,
    language,
    senderVersion: null,
    draft: null,
    state: 'sent',
  });
  await linkInboxMessage(db, sent.mailId, id);
  return { id, messageId: sent.messageId };
}

/**
 * An owner's answer, from the marketplace's address (SMTP_FROM, DKIM-signed when configured) through
 * the outgoing mail path, threaded: In-Reply-To the message, References its thread, a `Re:` subject.
 * It joins the thread in the inbox, so the sender's answer to it lands there too.
 */
export async function sendInboxReply(db: Db, mail: ThreadMail, input: InboxReplyInput): Promise<{ id: string; messageId: string }> {
  const sent = await sendThreadMail(db, mail, { ...input, classification: 'reply' });
  await markReplied(db, input.message.id);
  return sent;
}
