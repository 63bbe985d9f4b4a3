import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import type { EventBus } from '../events/event-bus.js';
import { withEvents } from '../events/events-repository.js';
import { mailSenderFor } from '../mail-intake/mail-sender.js';
import { serverAddress } from '../mail-intake/embedded-mail-hub.js';
import { mailLanguageFor } from '../outgoing-mail/mail-templates.js';
import { sendTemplatedMail } from '../outgoing-mail/send-templated-mail.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { noticeSentence } from '../../http/notice-sentence.js';
import { issueLink } from './approval-links.js';
import { insertApproval, reviewersOf, type ApprovalRow, type NewApproval } from './approvals-repository.js';

export interface ApprovalDeps {
  db: Db;
  config: Config;
  logger: Logger;
  events: EventBus;
}

/**
 * Holds something for review: stores the approval (once per request), tells reviewers (event
 * `approval`) and mails each reviewer a
 * one-time link of their own. The requester gets no link when the policy forbids approving one's own.
 * A mail that cannot be sent is logged; the approval still waits on the Approvals page.
 */
export async function requestApproval(deps: ApprovalDeps, input: NewApproval): Promise<ApprovalRow> {
  // The approval and its event commit together (the outbox): integrations hear of every approval that exists.
  const { row, created } = await withEvents(deps.db, deps.events, async (trx, emit) => {
    const inserted = await insertApproval(trx, input);
    if (inserted.created) {
      const { row: approval } = inserted;
      await emit({
        orgId: input.orgId,
        type: 'approval',
        data: { id: approval.id, kind: approval.kind, appId: approval.app_id, appName: approval.app_name, version: approval.version, state: approval.state },
        audience: { userId: input.requestedBy, roles: ['reviewer'] },
      });
    }
    return inserted;
  });
  if (!created) return row;
  const { policy } = await getOrgSettings(deps.db, input.orgId);
  const reviewers = (await reviewersOf(deps.db, input.orgId)).filter((reviewer) => policy.selfApproval || reviewer.id !== input.requestedBy);
  const logger = deps.logger.child({ component: 'approvals', approvalId: row.id });
  const sender = mailSenderFor(deps.config);
  if (!sender) {
    logger.info({ reviewers: reviewers.length }, 'no outgoing mail configured: reviewers see the approval in the web UI only');
    return row;
  }
  try {
    for (const reviewer of reviewers) {
      const token = await issueLink(deps.db, { orgId: input.orgId, approvalId: row.id, reviewerId: reviewer.id, ttlHours: policy.approvalLinkTtlHours });
      const link = `${deps.config.publicUrl}/api/v1/approval-links/${token}`;
      const language = await mailLanguageFor(deps.db, input.orgId, { to: { userId: reviewer.id } });
      const params = {
        appName: input.appName,
        version: input.version ?? '',
        reasons: input.reasons.map((reason) => `- ${noticeSentence(reason.notice, language, reason.message)}`).join('\n') || '-',
        hosts: input.hosts.join(', ') || '-',
        hours: String(policy.approvalLinkTtlHours),
        link,
        approvalsUrl: `${deps.config.publicUrl}/approvals`,
      };
      const sent = await sendTemplatedMail({ db: deps.db, publicUrl: deps.config.publicUrl, from: deps.config.smtp.from, logger, sender }, { orgId: input.orgId, kind: input.kind === 'publish' ? 'approval-publish' : 'approval-distribute', language, params, notLinks: ['reasons', 'hosts'], to: reviewer.email, from: { name: 'Marketplace', address: serverAddress(deps.config.smtp.from) } });
      if (!sent.sent) logger.warn({ reviewerId: reviewer.id, code: sent.blocked?.code ?? 'APPROVAL_MAIL_FAILED' }, 'the review notification could not be sent');
    }
  } finally {
    sender.close();
  }
  return row;
}
