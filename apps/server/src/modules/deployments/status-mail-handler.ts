import type { Db } from '../../db/schema.js';
import type { FastifyBaseLogger } from 'fastify';
import { parseStatusEmail, verifyStatusSignature } from '@marketplace/mail';
import type { EventBus } from '../events/event-bus.js';
import { appendAudit } from '../audit/audit-repository.js';
import { recordDeploymentAndPublish } from './deployment-events.js';
import type { MailIngestHandler } from '../mail-intake/mail-intake.js';

/** Why a status mail changed nothing (log `code` and audit `details.code`). */
export type StatusMailRefusal =
  | 'STATUS_MAIL_INVALID'
  | 'STATUS_MAIL_UNKNOWN_AGENT'
  | 'STATUS_MAIL_WRONG_MAILBOX'
  | 'STATUS_MAIL_NOT_ENROLLED'
  | 'STATUS_MAIL_UNSIGNED'
  | 'STATUS_MAIL_BAD_SIGNATURE'
  | 'STATUS_MAIL_REPLAYED';

/** A report dated further ahead than this is refused (it would block the agent's real reports until then). */
const MAX_CLOCK_SKEW_MS = 10 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Status reports agents send by mail (`--report-by-mail`). A report counts only when it names an
 * enrolled agent that gave a report key, comes from that agent's mailbox, carries a valid Ed25519
 * signature of that key over status.json, and is newer than the last one taken (no replays). It
 * then changes only that agent's deployments within its organisation. Every refusal is logged and audited with a code.
 */
export function statusMailHandler(db: Db, events: EventBus, log: FastifyBaseLogger): MailIngestHandler {
  return async ({ raw }) => {
    const parsed = await parseStatusEmail(raw);
    if (parsed.kind === 'not-status') return false;
    const refuse = async (code: StatusMailRefusal, message: string, agent?: { id: string; org_id: string }) => {
      log.warn({ component: 'mail-ingest', code, agentId: agent?.id }, `status mail refused: ${message}`);
      await appendAudit(db, { orgId: agent?.org_id ?? null, actorType: 'anonymous', actorId: null, action: 'agent.status-mail', targetType: 'agent', targetId: agent?.id ?? null, result: 'denied', details: { code, message } }).catch((error) =>
        log.warn({ err: error, component: 'mail-ingest', code }, 'could not audit a refused status mail'),
      );
      return { outcome: `refused:${code}`, orgId: agent?.org_id ?? null };
    };
    if (parsed.kind === 'invalid') return refuse('STATUS_MAIL_INVALID', `${parsed.code}: ${parsed.message}`);
    const { status, from } = parsed;
    const agent = UUID.test(status.agentId)
      ? await db.selectFrom('agents').select(['id', 'org_id', 'mailbox', 'report_key', 'mail_report_at']).where('id', '=', status.agentId).where('revoked_at', 'is', null).executeTakeFirst()
      : undefined;
    if (!agent) return refuse('STATUS_MAIL_UNKNOWN_AGENT', 'it names no enrolled agent');
    if (!from || from.toLowerCase() !== agent.mailbox.toLowerCase()) return refuse('STATUS_MAIL_WRONG_MAILBOX', 'it does not come from the agent’s own mailbox', agent);
    if (!agent.report_key) return refuse('STATUS_MAIL_NOT_ENROLLED', 'the agent never enrolled a report key to report by mail (it reports over HTTP)', agent);
    const signature = verifyStatusSignature(parsed, agent.report_key);
    if (signature === 'unsigned') return refuse('STATUS_MAIL_UNSIGNED', 'it carries no signature', agent);
    if (signature === 'invalid') return refuse('STATUS_MAIL_BAD_SIGNATURE', 'its signature does not verify with the agent’s report key', agent);
    const at = new Date(status.at);
    if (at.getTime() > Date.now() + MAX_CLOCK_SKEW_MS) return refuse('STATUS_MAIL_REPLAYED', 'it is dated in the future', agent);
    // Taking the report's time moves the agent's high-water mark: the same report (or an older one) never counts again.
    const taken = await db
      .updateTable('agents')
      .set({ mail_report_at: at })
      .where('id', '=', agent.id)
      .where((eb) => eb.or([eb('mail_report_at', 'is', null), eb('mail_report_at', '<', at)]))
      .returning('id')
      .executeTakeFirst();
    if (!taken) return refuse('STATUS_MAIL_REPLAYED', 'it is not newer than the last report taken from this agent', agent);
    await recordDeploymentAndPublish(db, events, { orgId: agent.org_id, agentId: agent.id, app: status.app, version: status.version, state: status.state, reason: status.reason, health: status.health, source: 'mail', at });
    return { outcome: 'status-report', orgId: agent.org_id };
  };
}
