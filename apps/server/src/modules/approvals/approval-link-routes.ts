import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Role } from '../accounts/accounts-tables.js';
import { checkLink, consumeLink, type LinkCheck } from './approval-links.js';
import { ApprovalError } from './approval-error.js';
import { findApproval, findReviewer } from './approvals-repository.js';

const tokenParams = z.object({ token: z.string().max(100) }).strict();
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const REFUSALS: Record<Exclude<LinkCheck, { ok: true }>['code'] | 'LINK_WRONG_REVIEWER', string> = {
  LINK_INVALID: 'This approval link is not valid (it may have been altered or cut off). Open the Approvals page instead.',
  LINK_EXPIRED: 'This approval link has expired. Decide on the Approvals page instead.',
  LINK_USED: 'This approval link was already used, or the approval was decided. Nothing changed.',
  LINK_WRONG_REVIEWER: 'This approval link was sent to another reviewer; you are signed in as someone else. Use your own link or the Approvals page.',
};

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:40rem;margin:2rem auto"><h1>${escapeHtml(title)}</h1>${body}</body></html>`);
}

/**
 * The links in review notifications. GET shows what is asked and a form; only the POST decides.
 * A link works once, until it expires, and only for the reviewer it was sent to: a session of anyone
 * else is refused, and the reviewer's current roles and status are checked when it is used.
 */
export default async function approvalLinkRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  async function usableLink(request: FastifyRequest, token: string) {
    const checked = await checkLink(app.db, token);
    if (checked.link) request.auditInfo = { orgId: checked.link.orgId, actorId: checked.link.reviewerId, targetType: 'approval', targetId: checked.link.approvalId };
    if (!checked.ok) throw new ApprovalError(checked.code, REFUSALS[checked.code]);
    const principal = request.principal;
    // Another organisation's session learns nothing about the link; a colleague's is told it is not theirs.
    if (principal && principal.orgId !== checked.link.orgId) throw new ApprovalError('LINK_INVALID', REFUSALS.LINK_INVALID);
    if (principal && principal.userId !== checked.link.reviewerId) throw new ApprovalError('LINK_WRONG_REVIEWER', REFUSALS.LINK_WRONG_REVIEWER);
    const reviewer = await findReviewer(app.db, checked.link.orgId, checked.link.reviewerId);
    if (!reviewer || reviewer.status !== 'active') throw new ApprovalError('REVIEWER_REQUIRED', 'The reviewer this link was sent to is no longer active; another reviewer must decide.');
    const approval = await findApproval(app.db, checked.link.orgId, checked.link.approvalId);
    if (!approval) throw new ApprovalError('LINK_INVALID', REFUSALS.LINK_INVALID);
    return { link: checked.link, reviewer: { id: reviewer.id, roles: reviewer.roles as Role[] }, approval };
  }

  const refusalPage = (reply: FastifyReply, error: unknown) => {
    if (!(error instanceof ApprovalError)) throw error;
    return page(reply, error.status, 'Nothing changed', `<p>${escapeHtml(error.message)}</p><p><code>${error.code}</code></p>`);
  };

  app.get('/approval-links/:token', {
    config: { auth: false },
    schema: { tags: ['approvals'], summary: 'The confirmation page behind a review notification link (changes nothing)', security: [], params: tokenParams },
    handler: async (request, reply) => {
      try {
        const { approval, reviewer } = await usableLink(request, request.params.token);
        await app.approvals.assertMayDecide(approval, reviewer);
        const what = approval.kind === 'publish' ? `Publish ${approval.app_name} ${approval.version ?? ''}` : `Send ${approval.app_name} ${approval.version ?? ''} to other people’s workstations`;
        const reasons = approval.reasons.map((reason) => `<li>${escapeHtml(reason.message)}</li>`).join('');
        const hosts = approval.hosts.length ? `<p>Hosts it reaches: ${approval.hosts.map((h) => `<code>${escapeHtml(h)}</code>`).join(', ')}</p>` : '';
        const form = `<form method="post"><p><label>Note or reason (a rejection needs one)<br><textarea name="note" rows="3" cols="50" maxlength="2000"></textarea></label></p><button name="decision" value="approve">Approve</button> <button name="decision" value="reject">Reject</button></form>`;
        return page(reply, 200, `Review: ${what}`, `<ul>${reasons}</ul>${hosts}${form}<p>This link works once and only for you.</p>`);
      } catch (error) {
        return refusalPage(reply, error);
      }
    },
  });

  app.post('/approval-links/:token', {
    config: { auth: false, audit: 'approval.link' },
    schema: {
      tags: ['approvals'],
      summary: 'Approve or reject through a review notification link (once)',
      security: [],
      params: tokenParams,
      body: z.object({ decision: z.enum(['approve', 'reject']), note: z.string().trim().max(2000).optional() }).strict(),
    },
    handler: async (request, reply) => {
      try {
        const { link, reviewer, approval } = await usableLink(request, request.params.token);
        const { decision, note } = request.body;
        if (decision === 'reject' && (note ?? '').length < 3) {
          return page(reply, 422, 'Say why', '<p>A rejection needs a reason the requester can act on. Go back and write one.</p><p><code>REASON_REQUIRED</code></p>');
        }
        await app.approvals.assertMayDecide(approval, reviewer);
        if (!(await consumeLink(app.db, link.id))) throw new ApprovalError('LINK_USED', REFUSALS.LINK_USED);
        const decided = await app.approvals.decide(link.orgId, link.approvalId, reviewer, { state: decision === 'approve' ? 'approved' : 'rejected', note: note || null });
        request.auditInfo.details = { via: 'link', app: decided.app_name, version: decided.version, kind: decided.kind, decision: decided.state };
        return page(reply, 200, decided.state === 'approved' ? 'Approved' : 'Rejected', `<p>${escapeHtml(decided.app_name)} ${escapeHtml(decided.version ?? '')} was ${decided.state}. Thank you.</p>`);
      } catch (error) {
        if (error instanceof ApprovalError) request.auditInfo.details = { via: 'link', refused: error.code };
        return refusalPage(reply, error);
      }
    },
  });
}
