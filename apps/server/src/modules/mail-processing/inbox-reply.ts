import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { MailSender } from '@marketplace/mail';
import type { Db } from '../../db/schema.js';
import { fromMailbox, messageIdFor } from '../mail-intake/mail-sender.js';
import { insertInboxMessage, markReplied } from './inbox-repository.js';
import { MailProcessingError } from './mail-processing-error.js';

export interface InboxReplyInput {
  orgId: string;
  userId: string | null;
  /** The message answered (an incoming inbox message). */
  message: { id: string; app_id: string; thread_id: string; message_id: string; refs: string[]; sender: string; subject: string; language: string; classification: string };
  text: string;
}

/** A mail in an inbox thread from the marketplace's address, answering `message`; it joins the thread as an `out` message. */
export async function sendThreadMail(db: Db, mail: { sender: MailSender | null; address: string }, input: InboxReplyInput & { classification: string }): Promise<{ id: string; messageId: string }> {
  if (!mail.sender) throw new MailProcessingError('MAIL_NOT_CONFIGURED', 'No outgoing mail path: set SMTP_HOST (a relay) or run the embedded mail hub on a fixed SMTP_LISTEN_PORT.');
  const { message } = input;
  const address = fromMailbox(mail.address);
  const bare = typeof address === 'string' ? address : address.address;
  const messageId = messageIdFor(bare, `inbox.${randomBytes(8).toString('hex')}`);
  const references = [...message.refs, message.message_id].slice(-20);
  const subject = /^re:/i.test(message.subject) ? message.subject : `Re: ${message.subject || (message.language === 'pl' ? 'Twoja wiadomość' : 'your message')}`;
  const raw = await new MailComposer({ from: address, to: message.sender, subject, messageId, inReplyTo: message.message_id, references, text: `${input.text.trim()}\n` }).compile().build();
  const result = await mail.sender.send({ raw, envelope: { from: bare, to: [message.sender] } });
  if (!result.ok) throw new MailProcessingError('REPLY_NOT_SENT', `The reply was not sent (${result.code}); the draft is kept, try again later.`);
  const id = await insertInboxMessage(db, {
    orgId: input.orgId,
    appId: message.app_id,
    threadId: message.thread_id,
    direction: 'out',
    analysisId: null,
    messageId,
    refs: references,
    sender: bare,
    userId: input.userId,
    subject,
    body: input.text.trim(),
    summary: '',
    classification: input.classification,
    language: message.language,
    senderVersion: null,
    draft: null,
    state: 'sent',
  });
  return { id, messageId };
}

/**
 * An owner's answer, from the marketplace's address (SMTP_FROM, DKIM-signed when configured) through
 * the outgoing mail path, threaded: In-Reply-To the message, References its thread, a `Re:` subject.
 * It joins the thread in the inbox, so the sender's answer to it lands there too.
 */
export async function sendInboxReply(db: Db, mail: { sender: MailSender | null; address: string }, input: InboxReplyInput): Promise<{ id: string; messageId: string }> {
  const sent = await sendThreadMail(db, mail, { ...input, classification: 'reply' });
  await markReplied(db, input.message.id);
  return sent;
}
