import type { Db } from '../../db/schema.js';
import type { EventBus } from '../events/event-bus.js';
import type { DsnRecorded } from '../outgoing-mail/dsn-mail-handler.js';
import { publishCampaign } from './campaign-results.js';
import { campaignOfMessage } from './campaigns-repository.js';

/**
 * Campaign mail is outgoing mail (decision 0046): its DSN is recorded on the outgoing recipient row,
 * which the campaign's counts read. This tells the campaign's followers (event `campaign`) when a DSN
 * bounced one of its announcements.
 */
export function campaignBounceListener(services: { db: Db; events: EventBus }): (change: DsnRecorded) => Promise<void> {
  return async ({ target, state }) => {
    if (state !== 'bounced' || target.kind !== 'announcement' || !target.orgId) return;
    const recipient = await campaignOfMessage(services.db, target.orgId, target.messageId);
    if (recipient) await publishCampaign(services.db, services.events, recipient.campaign_id);
  };
}
