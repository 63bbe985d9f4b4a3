import type { Logger } from 'pino';
import type { Db } from '../../db/schema.js';
import type { Role } from '../accounts/accounts-tables.js';
import { NotFoundError } from '../../errors/app-error.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { closeLinks } from './approval-links.js';
import { ApprovalError } from './approval-error.js';
import { findApproval, recordDecision, type ApprovalRow } from './approvals-repository.js';
import type { ApprovalKind } from './approvals-tables.js';

export interface Decision {
  state: 'approved' | 'rejected';
  note: string | null;
}

/** What follows a decision for one kind (publish the request, send the deliveries …), registered by the module that owns it. */
export type ApprovalOutcome = (approval: ApprovalRow, decision: Decision, logger: Logger) => Promise<void>;

export interface ApprovalsService {
  onDecision(kind: ApprovalKind, outcome: ApprovalOutcome): void;
  /** May this reviewer decide? Throws the refusal (self-approval, role, already decided). */
  assertMayDecide(approval: ApprovalRow, reviewer: { id: string; roles: Role[] }): Promise<void>;
  decide(orgId: string, approvalId: string, reviewer: { id: string; roles: Role[] }, decision: Decision): Promise<ApprovalRow>;
}

export const isReviewer = (roles: Role[]) => roles.includes('reviewer') || roles.includes('admin');

/**
 * Decisions on approvals. One decision wins (a second one answers APPROVAL_DECIDED); afterwards
 * every mail link of the approval is closed and the outcome registered for its kind runs.
 */
export function createApprovalsService(db: Db, logger: Logger): ApprovalsService {
  const outcomes = new Map<ApprovalKind, ApprovalOutcome>();
  const service: ApprovalsService = {
    onDecision(kind, outcome) {
      outcomes.set(kind, outcome);
    },
    async assertMayDecide(approval, reviewer) {
      if (!isReviewer(reviewer.roles)) throw new ApprovalError('REVIEWER_REQUIRED', 'Only reviewers and admins decide approvals; ask one of them.');
      if (approval.state !== 'waiting') throw new ApprovalError('APPROVAL_DECIDED', `This approval was already ${approval.state}; nothing changed.`, { state: approval.state });
      const { policy } = await getOrgSettings(db, approval.org_id);
      if (approval.requested_by === reviewer.id && !policy.selfApproval) {
        throw new ApprovalError('SELF_APPROVAL_FORBIDDEN', 'The organisation’s policy does not let you approve your own request; another reviewer must decide.');
      }
    },
    async decide(orgId, approvalId, reviewer, decision) {
      const approval = await findApproval(db, orgId, approvalId);
      if (!approval) throw new NotFoundError('Approval', approvalId);
      await service.assertMayDecide(approval, reviewer);
      const decided = await recordDecision(db, orgId, approvalId, { state: decision.state, by: reviewer.id, note: decision.note });
      if (!decided) throw new ApprovalError('APPROVAL_DECIDED', 'Another reviewer decided this approval a moment ago; nothing changed.');
      await closeLinks(db, approvalId);
      const outcome = outcomes.get(decided.kind);
      const child = logger.child({ component: 'approvals', approvalId, decision: decision.state });
      if (outcome) await outcome(decided, decision, child);
      child.info({ kind: decided.kind }, 'approval decided');
      return decided;
    },
  };
  return service;
}
