import { classifyIncoming, DEFAULT_MAIL_LIMITS, parseDeliveryStatus } from '@marketplace/mail';
import type { Db } from '../../db/schema.js';
import type { MailIngestHandler } from '../mail-intake/mail-intake.js';
import { recordDsn } from './outgoing-mail-repository.js';
import { bounceTokenOf } from './send-outgoing-mail.js';

interface Logger {
  info(obj: object, msg: string): void;
}

const STATE_OF_ACTION: Record<string, 'bounced' | 'delayed' | 'delivered'> = { failed: 'bounced', delayed: 'delayed', delivered: 'delivered', relayed: 'delivered', expanded: 'delivered' };

/**
 * Delivery status notifications about the server's own mail: one sent to a `+bounce-<token>`
 * address names the recipient by its token (VERP); another DSN (null sender, multipart/report) is
 * matched by the returned Message-ID and the Final-Recipient. The recipient is marked bounced,
 * delayed or delivered with the status code and the remote server's words. Every DSN is taken here,
 * so none reaches the conversation engine.
 */
export function dsnMailHandler(db: Db, logger: Logger): MailIngestHandler {
  return async (mail) => {
    const token = bounceTokenOf(mail.recipient);
    if (!token) {
      const kind = classifyIncoming(mail.raw, { envelopeFrom: mail.envelopeFrom });
      if (kind.kind !== 'bounce') return false;
    }
    const report = await parseDeliveryStatus(mail.raw, DEFAULT_MAIL_LIMITS);
    if (!report) return token ? { outcome: 'bounce:unreadable' } : false;
    let matched: { orgId: string | null } | null = null;
    for (const recipient of report.recipients) {
      const state = STATE_OF_ACTION[recipient.action];
      if (!state) continue;
      const dsn = { state, action: recipient.action, status: recipient.status, diagnostic: recipient.diagnostic };
      // with a token the DSN is about that one recipient; a multi-recipient report names it among others
      const hit = token ? await recordDsn(db, { token }, dsn) : report.originalMessageId ? await recordDsn(db, { messageId: report.originalMessageId, address: recipient.recipient }, dsn) : null;
      matched ??= hit;
      if (token && hit) break;
    }
    logger.info({ component: 'outgoing-mail', matched: Boolean(matched), recipients: report.recipients.length }, 'delivery status notification recorded');
    return { outcome: matched ? 'bounce:recorded' : 'bounce:unmatched', orgId: matched?.orgId ?? null };
  };
}
