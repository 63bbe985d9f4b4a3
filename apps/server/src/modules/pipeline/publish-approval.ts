import type { Db } from '../../db/schema.js';
import type { JobQueue } from '@marketplace/db';
import { notice } from '../../http/notice.js';
import { storedSpec } from './stored-outputs.js';
import { jobName, StepFailure, StepParked } from './pipeline-steps.js';
import { markFailed } from './pipeline-repository.js';
import { requestEvent } from './request-events.js';
import { withEvents } from '../events/events-repository.js';
import type { PipelineServices } from './pipeline-services.js';
import type { Request } from './step-job.js';
import type { EventBus } from '../events/event-bus.js';
import { approvalOfRequest } from '../approvals/approvals-repository.js';
import type { ApprovalOutcome } from '../approvals/approvals-service.js';
import { requestApproval } from '../approvals/request-approval.js';
import { publishReviewReasons, reachedHosts } from '../approvals/reach-policy.js';
import { getOrgSettings } from '../settings/org-settings.js';

/** A reviewer's rejection as the request's failure: the reason in English and as a notice. */
function rejection(note: string | null | undefined) {
  return {
    code: 'APPROVAL_REJECTED',
    message: `A reviewer rejected this request: ${note ?? 'no reason given'}.`,
    notice: note ? notice('failure.approvalRejected', { note: note.slice(0, 500) }) : notice('failure.approvalRejectedNoReason'),
  };
}

/**
 * Before publishing: may this request be published now? An approved request goes on, a rejected
 * one fails with the reviewer's reason, and one the policy holds waits (the approval is asked once).
 */
export async function assertPublishApproved(services: PipelineServices, request: Request): Promise<void> {
  const approval = await approvalOfRequest(services.db, request.id);
  if (approval?.state === 'approved') return;
  if (approval?.state === 'rejected') {
    const { code, message, notice: reason } = rejection(approval.note);
    throw new StepFailure(code, message, reason);
  }
  if (approval) throw new StepParked('awaiting-approval');
  const spec = storedSpec(request.spec);
  const settings = await getOrgSettings(services.db, request.org_id);
  const reasons = publishReviewReasons(spec, settings.policy, settings.requests.requireApproval);
  if (!reasons.length) return;
  await requestApproval(services, {
    orgId: request.org_id,
    kind: 'publish',
    requestId: request.id,
    appName: spec.name,
    version: request.version,
    requestedBy: request.user_id,
    reasons,
    hosts: [...new Set(reachedHosts(spec).map((reached) => reached.host))],
  });
  throw new StepParked('awaiting-approval');
}

/** After a reviewer decided on a request: approved → the publish step runs again; rejected → the request fails with the reason. */
export function publishDecisionOutcome(deps: { db: Db; events: EventBus; jobs: JobQueue | null }): ApprovalOutcome {
  return async (approval, decision) => {
    const requestId = approval.request_id!;
    if (decision.state === 'rejected') {
      await withEvents(deps.db, deps.events, async (trx, emit) => {
        await markFailed(trx, requestId, 'publish', rejection(decision.note));
        await emit(await requestEvent(trx, requestId, 'publish', 'failed'));
      });
      return;
    }
    if (!deps.jobs) throw new Error('the job queue is not running in this process');
    await deps.jobs.send(jobName('publish'), { orgId: approval.org_id, requestId }, { singletonKey: `${requestId}:publish:approved` });
  };
}
