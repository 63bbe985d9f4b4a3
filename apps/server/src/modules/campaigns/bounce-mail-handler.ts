import { DEFAULT_MAIL_LIMITS, readDeliveryReport } from '@marketplace/mail';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import type { EventBus } from '../events/event-bus.js';
import type { MailIngestHandler } from '../mail-intake/mail-intake.js';
import { recipientOfReturnPath } from './campaign-mail-address.js';
import { publishCampaign } from './campaign-results.js';
import { markBounced } from './campaigns-repository.js';

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
    const status = await readDeliveryReport(raw, DEFAULT_MAIL_LIMITS);
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
