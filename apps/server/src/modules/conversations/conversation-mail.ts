import { randomBytes } from 'node:crypto';
import { serverAddress } from '../mail-intake/embedded-mail-hub.js';
import { tokenAddress } from '../mail-intake/mail-reply.js';
import { messageIdFor } from '../mail-intake/mail-sender.js';
import type { MailKind, MailLanguage, MailParams } from '../outgoing-mail/mail-template-kinds.js';
import { sendTemplatedMail } from '../outgoing-mail/send-templated-mail.js';
import type { ConversationServices } from './conversation-services.js';

/**
 * One mail in a conversation by mail, from the conversation's reply address (marketplace+<token>@…),
 * rendered from the organisation's template in `language`, checked and recorded like every outgoing
 * mail. The Message-ID sent, or null when it was blocked or not taken (logged with its code).
 */
export async function sendConversationMail<K extends MailKind>(
  services: Pick<ConversationServices, 'db' | 'mail' | 'logger'>,
  input: { orgId: string | null; kind: K; language: MailLanguage; params: MailParams<K>; token: string | null; to: string; quote?: string; inReplyTo?: string; references?: string[] },
): Promise<string | null> {
  if (!services.mail.sender) return null;
  const reply = tokenAddress(serverAddress(services.mail.address), input.token);
  const sent = await sendTemplatedMail(
    { db: services.db, publicUrl: services.mail.publicUrl, from: services.mail.address, sender: services.mail.sender, logger: services.logger },
    {
      orgId: input.orgId,
      kind: input.kind,
      language: input.language,
      params: input.params,
      to: input.to,
      from: { name: 'Marketplace', address: reply },
      replyTo: reply,
      messageId: messageIdFor(services.mail.address, `${input.token ?? 'mp'}.${randomBytes(8).toString('hex')}`),
      autoSubmitted: 'auto-replied',
      ...(input.quote ? { quote: input.quote } : {}),
      ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}),
      ...(input.references?.length ? { references: input.references } : {}),
    },
  );
  if (!sent.sent) {
    services.logger.warn({ component: 'mail-ingest', kind: input.kind, code: sent.blocked ? sent.blocked.code : sent.result.ok ? 'REFUSED' : sent.result.code }, 'a conversation mail was not sent');
    return null;
  }
  return sent.messageId;
}
