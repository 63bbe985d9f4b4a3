import type { Logger } from 'pino';
import type { Db } from '../../db/schema.js';
import type { EventBus, OrgEvent } from '../events/event-bus.js';
import { publishCampaign } from './campaign-results.js';
import { campaignsOfAgentApp } from './campaigns-repository.js';

/**
 * An agent's report on an app a campaign installed moves that campaign's installs: hears the
 * `deployment` events this process publishes and publishes the campaigns' new counts.
 */
export function campaignProgressOnDeployments(db: Db, events: EventBus, logger: Logger) {
  let pending = Promise.resolve();
  const onEvent = (event: OrgEvent) => {
    if (event.type !== 'deployment') return;
    const { agentId, appId } = event.data as { agentId?: unknown; appId?: unknown };
    if (typeof agentId !== 'string' || typeof appId !== 'string') return;
    pending = pending
      .then(async () => {
        for (const id of await campaignsOfAgentApp(db, event.orgId, agentId, appId)) await publishCampaign(db, events, id);
      })
      .catch((error: unknown) => logger.warn({ err: error, component: 'campaigns' }, 'campaign progress after a deployment report was not published'));
  };
  return { onEvent, idle: () => pending };
}
