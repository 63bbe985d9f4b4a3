import { DEFAULT_MAIL_LIMITS, normalMessageId, readHeaders, type MailSender, type SendResult } from '@marketplace/mail';
import type { Logger } from 'pino';
import type { Db } from '../../db/schema.js';
import { serverAddress } from '../mail-intake/embedded-mail-hub.js';
import { messageIdOf } from '../mail-intake/incoming-mail-repository.js';
import { GmailError } from './gmail-error.js';
import { connectionByEmail, recordGmailMessage, threadOf } from './gmail-repository.js';
import type { GmailService } from './gmail-service.js';

/** `Name <marketplace+token@host>` → `marketplace@host`: the mailbox a (plus) address belongs to. */
const mailboxOf = (address: string) => serverAddress(address).toLowerCase().replace(/\+[^@]*@/, '@');

/**
 * The outgoing transport MAIL_TRANSPORT=gmail: users.messages.send with the raw RFC 822 message the
 * callers already build (the same MIME builder as for SMTP), through the connected mailbox of the
 * envelope sender's address. A reply (In-Reply-To / References naming a message this mailbox holds)
 * carries that message's threadId, so it stays in the Gmail thread. Gmail delivers to the To, Cc and Bcc
 * headers; the callers' envelope recipients are the same addresses.
 */
export function createGmailSender(deps: { db: Db; gmail: GmailService; logger: Logger }): MailSender {
  const log = deps.logger.child({ component: 'gmail-sender' });
  const connectionFor = async (from: string) => {
    const connection = await connectionByEmail(deps.db, mailboxOf(from));
    if (!connection) throw new GmailError('GMAIL_NOT_FOUND', `No Gmail mailbox ${mailboxOf(from)} is connected (MAIL_TRANSPORT=gmail sends as SMTP_FROM's address); an admin connects it in Admin → Gmail.`);
    if (connection.state === 'revoked') throw new GmailError('GMAIL_REVOKED', `The Gmail grant of ${connection.email} was revoked; an admin connects it again in Admin → Gmail.`);
    return connection;
  };

  return {
    async send(request): Promise<SendResult> {
      const { headers } = readHeaders(request.raw, DEFAULT_MAIL_LIMITS.maxHeaderBytes);
      const messageId = messageIdOf(request.raw);
      try {
        const connection = await connectionFor(request.envelope.from);
        const related = [headers.first('In-Reply-To'), ...(headers.first('References') ?? '').split(/\s+/)].map((value) => normalMessageId(value)).filter((value): value is string => Boolean(value));
        const threadId = await threadOf(deps.db, connection.id, related);
        const sent = await deps.gmail.apiFor(connection).send(request.raw, threadId);
        await recordGmailMessage(deps.db, { connectionId: connection.id, gmailId: sent.id, threadId: sent.threadId, messageId, direction: 'out' });
        log.info({ messageId, connectionId: connection.id, threaded: Boolean(threadId) }, 'mail sent through Gmail');
        return { ok: true, accepted: [...request.envelope.to], rejected: [], response: `Gmail message ${sent.id}` };
      } catch (error) {
        if (!(error instanceof GmailError)) throw error;
        log.warn({ messageId, code: error.gmailCode, upstreamStatus: error.upstreamStatus }, 'mail not sent through Gmail');
        if (error.gmailCode === 'GMAIL_REVOKED' || error.gmailCode === 'GMAIL_NOT_FOUND') return { ok: false, retryable: false, code: 'AUTH', message: error.message };
        if (error.gmailCode === 'GMAIL_UNAVAILABLE') return { ok: false, retryable: true, code: 'CONNECTION', ...(error.upstreamStatus ? { responseCode: error.upstreamStatus } : {}), message: error.message };
        return { ok: false, retryable: false, code: 'SMTP_PERMANENT', ...(error.upstreamStatus ? { responseCode: error.upstreamStatus } : {}), message: error.message };
      }
    },
    async verify(): Promise<SendResult> {
      return { ok: true, accepted: [], rejected: [], response: 'Gmail: the connected mailbox is checked on each send' };
    },
    close() {},
  };
}
