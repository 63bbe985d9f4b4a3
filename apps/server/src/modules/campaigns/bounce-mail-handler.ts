import { DEFAULT_MAIL_LIMITS, normalMessageId, parseWithinLimits, readHeaders } from '@marketplace/mail';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import type { EventBus } from '../events/event-bus.js';
import type { MailIngestHandler } from '../mail-intake/mail-intake.js';
import { recipientOfReturnPath } from './campaign-mail-address.js';
import { publishCampaign } from './campaign-results.js';
import { markBounced } from './campaigns-repository.js';

/** What a delivery status notification (RFC 3464) says about the one recipient it reports. */
export interface DeliveryStatus {
  /** failed, delayed, delivered, relayed or expanded. */
  action: string;
  status: string;
  diagnostic: string;
  /** The Message-ID of the mail it reports on, from the returned headers or message. */
  originalMessageId: string | undefined;
}

const headerBlock = (text: string) => readHeaders(Buffer.from(`${text.trim()}\r\n\r\n`), DEFAULT_MAIL_LIMITS.maxHeaderBytes).headers;

/** Reads a multipart/report DSN with mailparser; null when the message is not one. */
export async function readDeliveryStatus(raw: Buffer): Promise<DeliveryStatus | null> {
  const top = readHeaders(raw, DEFAULT_MAIL_LIMITS.maxHeaderBytes).headers.first('Content-Type') ?? '';
  if (!/^multipart\/report\b/i.test(top) || !/report-type\s*=\s*"?delivery-status/i.test(top)) return null;
  const parsed = await parseWithinLimits(raw, DEFAULT_MAIL_LIMITS);
  if (parsed.kind !== 'parsed') return null;
  const parts = parsed.mail.attachments;
  const report = parts.find((part) => /^message\/(global-)?delivery-status$/i.test(part.contentType));
  if (!report) return null;
  // per-message fields, then one block per recipient (RFC 3464 §2.1): the first recipient block is the one reported
  const blocks = report.content.toString('utf8').split(/\r?\n\s*\r?\n/).filter((block) => block.trim());
  const recipient = headerBlock(blocks[1] ?? blocks[0] ?? '');
  const returned = parts.find((part) => /^(text\/rfc822-headers|message\/rfc822|message\/global-headers)$/i.test(part.contentType));
  const originalMessageId = returned ? normalMessageId(readHeaders(returned.content, DEFAULT_MAIL_LIMITS.maxHeaderBytes).headers.first('Message-ID')) : undefined;
  return {
    action: (recipient.first('Action') ?? '').trim().toLowerCase(),
    status: (recipient.first('Status') ?? '').trim(),
    diagnostic: (recipient.first('Diagnostic-Code') ?? '').trim(),
    originalMessageId,
  };
}

/**
 * Bounces of campaign mail: a DSN to a campaign return path (VERP, its tag checked) or one whose
 * returned headers carry a campaign Message-ID. A failed action marks that recipient bounced (once);
 * a delay or success report is taken and changes nothing. Other mail goes on to the next handler.
 */
export function bounceMailHandler(services: { db: Db; config: Config; events: EventBus; logger: Logger }): MailIngestHandler {
  const { db, config, events } = services;
  const log = services.logger.child({ component: 'campaign-bounces' });
  return async ({ raw, recipient }) => {
    const recipientId = config.jwtSecret ? recipientOfReturnPath(config.smtp.from, config.jwtSecret, recipient) : null;
    const status = await readDeliveryStatus(raw);
    if (!status) return recipientId ? { outcome: 'ignored:campaign-return-path-not-a-dsn' } : false;
    const messageId = status.originalMessageId;
    if (!recipientId && !messageId?.includes('campaign.')) return false;
    if (status.action !== 'failed') return { outcome: `campaign-dsn:${status.action || 'unknown'}` };
    // VERP names the recipient; the returned Message-ID, when there, must be that recipient's too
    const bounced = await markBounced(db, { ...(recipientId ? { recipientId } : {}), ...(messageId ? { messageId } : {}) }, `${status.status} ${status.diagnostic}`.trim());
    if (!bounced) {
      log.info({ recipientId, messageId }, 'a campaign bounce matched no recipient that was mailed (or it bounced already)');
      return recipientId ? { outcome: 'campaign-bounce:unmatched' } : false;
    }
    log.info({ campaignId: bounced.campaign_id, status: status.status }, 'campaign mail bounced');
    await publishCampaign(db, events, bounced.campaign_id);
    return { outcome: 'campaign-bounce', orgId: bounced.org_id };
  };
}
