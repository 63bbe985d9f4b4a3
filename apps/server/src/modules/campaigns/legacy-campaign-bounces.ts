import { DEFAULT_MAIL_LIMITS, parseDeliveryStatus } from '@marketplace/mail';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import type { EventBus } from '../events/event-bus.js';
import type { MailIngestHandler } from '../mail-intake/mail-intake.js';
import { LEGACY_RETURN_PATH_DAYS } from '../outgoing-mail/dsn-mail-handler.js';
import { legacyCampaignRecipientOf } from './campaign-mail-address.js';
import { publishCampaign } from './campaign-results.js';
import { markBounced } from './campaigns-repository.js';

/**
 * Bounces of announcements sent before decision 0046, to their own return path (`+b<recipient><12-digit
 * tag under JWT_SECRET>`): honoured for LEGACY_RETURN_PATH_DAYS after the mail was sent, like outgoing
 * mail's old `+bounce-` form. A failed action marks that recipient bounced once; a report about another
 * Message-ID, or anything else, changes nothing. Other addresses go on to the next handler.
 * Remove this handler one release after 0046 (its mail can no longer bounce then).
 */
export function legacyCampaignBounceHandler(services: { db: Db; config: Config; events: EventBus; logger: Logger }): MailIngestHandler {
  const { db, config, events } = services;
  const log = services.logger.child({ component: 'campaign-bounces' });
  return async ({ raw, recipient }) => {
    const recipientId = config.jwtSecret ? legacyCampaignRecipientOf(config.smtp.from, config.jwtSecret, recipient) : null;
    if (!recipientId) return false;
    const report = await parseDeliveryStatus(raw, DEFAULT_MAIL_LIMITS);
    if (!report) return { outcome: 'bounce:unreadable' };
    const failed = report.recipients.find((r) => r.action === 'failed');
    const own = await db.selectFrom('campaign_recipients').select('message_id').where('id', '=', recipientId).executeTakeFirst();
    if (!failed || !own || (report.originalMessageId && report.originalMessageId !== own.message_id)) return { outcome: 'bounce:unmatched' };
    const bounced = await markBounced(db, recipientId, new Date(Date.now() - LEGACY_RETURN_PATH_DAYS * 86_400_000), `${failed.status ?? ''} ${failed.diagnostic ?? ''}`.trim());
    if (!bounced) return { outcome: 'bounce:unmatched' };
    log.info({ campaignId: bounced.campaign_id, status: failed.status }, 'campaign mail bounced (return path of before decision 0046)');
    await publishCampaign(db, events, bounced.campaign_id);
    return { outcome: 'bounce:recorded', orgId: bounced.org_id };
  };
}
