import type { Mailbox } from '@marketplace/mail';
import { pollMailbox } from '../mail-intake/poll-mailbox.js';
import type { ConversationServices } from './conversation-services.js';
import { handleIncomingMail, type IncomingMailOutcome } from './mail-conversations.js';

/** A service mailbox (IMAP or Maildir) read into conversations: mail intake's poller with the conversation handler. */
export function ingestMailbox(services: ConversationServices, mailbox: Mailbox): Promise<IncomingMailOutcome[]> {
  return pollMailbox(mailbox, services.mail.address, (raw, envelope) => handleIncomingMail(services, raw, envelope));
}
