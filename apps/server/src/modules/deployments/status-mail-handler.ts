import type { Db } from '../../db/schema.js';
import type { FastifyBaseLogger } from 'fastify';
import { parseStatusEmail } from '@marketplace/mail';
import type { EventBus } from '../events/event-bus.js';
import { recordDeploymentAndPublish } from './deployment-events.js';
import type { MailIngestHandler } from '../mail-intake/mail-intake.js';

/**
 * Status reports agents send by mail (`--report-by-mail`). Mail is not authenticated here, so a
 * report counts only when it names an enrolled agent and comes from that agent's own mailbox.
 */
export function statusMailHandler(db: Db, events: EventBus, log: FastifyBaseLogger): MailIngestHandler {
  return async ({ raw }) => {
    const parsed = await parseStatusEmail(raw);
    if (parsed.kind === 'not-status') return false;
    if (parsed.kind === 'invalid') {
      log.info({ component: 'mail-ingest', code: parsed.code }, `status mail refused: ${parsed.message}`);
      return true;
    }
    const { status, from } = parsed;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const agent = uuid.test(status.agentId)
      ? await db.selectFrom('agents').select(['id', 'org_id', 'mailbox']).where('id', '=', status.agentId).where('revoked_at', 'is', null).executeTakeFirst()
      : undefined;
    if (!agent || !from || from.toLowerCase() !== String(agent.mailbox).toLowerCase()) {
      log.info({ component: 'mail-ingest', agentId: status.agentId }, 'status mail from an unknown agent or another mailbox ignored');
      return true;
    }
    await recordDeploymentAndPublish(db, events, { orgId: agent.org_id, agentId: agent.id, app: status.app, version: status.version, state: status.state, reason: status.reason, health: status.health, source: 'mail', at: new Date(status.at) });
    return true;
  };
}
