import type { JobQueue } from '@marketplace/db';
import type { Db } from '../../db/schema.js';
import type { AgentsService } from '../agents/agents-repository.js';
import type { ApprovalRow } from '../approvals/approvals-repository.js';
import type { ApprovalOutcome } from '../approvals/approvals-service.js';
import { requestApproval, type ApprovalDeps } from '../approvals/request-approval.js';
import { notice } from '../../http/notice.js';
import type { EventBus } from '../events/event-bus.js';
import { queueDeliveries } from './queue-deliveries.js';

interface Selection {
  userIds?: string[];
  agentIds?: string[];
  all?: boolean;
}

/** A distribution to other people that the policy holds: stored with its selection until a reviewer decides. */
export async function holdDistribution(deps: ApprovalDeps, input: { orgId: string; appId: string; versionId: string; version: string; selection: Selection; recipients: number; requestedBy: string | null }): Promise<ApprovalRow> {
  const app = await deps.db.selectFrom('apps').select('name').where('id', '=', input.appId).where('org_id', '=', input.orgId).executeTakeFirstOrThrow();
  const audience = input.selection.all ? 'every enrolled agent' : input.recipients === 1 ? '1 agent of another person' : `${input.recipients} agents of other people`;
  return requestApproval(deps, {
    orgId: input.orgId,
    kind: 'distribute',
    appId: input.appId,
    appName: app.name,
    version: input.version,
    requestedBy: input.requestedBy,
    subject: { versionId: input.versionId, selection: input.selection },
    reasons: [{ code: 'POLICY_DISTRIBUTE_TO_OTHERS', message: `The organisation reviews releases sent to other people's workstations (this one: ${audience}).`, notice: input.selection.all ? notice('approval.distributeToAll') : notice('approval.distributeToOthers', { count: input.recipients }) }],
    hosts: [],
  });
}

/** Approved: the deliveries are queued for the agents the selection names now. Rejected: nothing is sent. */
export function distributeDecisionOutcome(deps: { db: Db; events: EventBus; jobs: JobQueue | null; agents: AgentsService }): ApprovalOutcome {
  return async (approval, decision, logger) => {
    if (decision.state !== 'approved') return;
    if (!deps.jobs) throw new Error('the job queue is not running in this process');
    const subject = approval.subject as { versionId: string; selection: Selection };
    const recipients = await deps.agents.recipients(approval.org_id, subject.selection);
    const deliveries = await queueDeliveries(deps.db, deps.jobs, deps.events, { orgId: approval.org_id, appId: approval.app_id!, versionId: subject.versionId, recipients, requestedBy: approval.requested_by });
    logger.info({ deliveries: deliveries.length }, 'approved distribution queued');
  };
}
