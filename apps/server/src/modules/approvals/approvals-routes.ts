import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors/app-error.js';
import { idParams, withErrors } from '../../http/responses.js';
import { approvalSchema, approvalViews } from './approval-view.js';
import { findApproval, listApprovals } from './approvals-repository.js';

const REVIEWERS = { roles: ['reviewer' as const, 'admin' as const] };
const decisionBody = {
  approve: z.object({ note: z.string().trim().max(2000).optional() }).strict(),
  reject: z.object({ reason: z.string().trim().min(3, { message: 'say why, so the requester knows what to change' }).max(2000) }).strict(),
};

/** What waits for a reviewer (requests before publishing, distributions to others) and the decisions on it. */
export default async function approvalsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/approvals', {
    config: { auth: REVIEWERS },
    schema: {
      tags: ['approvals'],
      summary: 'Approvals, newest first (default: those waiting)',
      querystring: z.object({ state: z.enum(['waiting', 'approved', 'rejected', 'all']).default('waiting'), limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
      response: withErrors({ 200: z.object({ items: z.array(approvalSchema) }) }),
    },
    handler: async (request) => {
      const { state, limit } = request.query;
      return { items: await approvalViews(app.db, await listApprovals(app.db, request.principal!.orgId, state === 'all' ? undefined : state, limit)) };
    },
  });

  app.get('/approvals/:id', {
    config: { auth: REVIEWERS },
    schema: { tags: ['approvals'], summary: 'One approval with the spec, the hosts it reaches and the scan report', params: idParams, response: withErrors({ 200: approvalSchema }, [404]) },
    handler: async (request) => {
      const row = await findApproval(app.db, request.principal!.orgId, request.params.id);
      if (!row) throw new NotFoundError('Approval', request.params.id);
      return (await approvalViews(app.db, [row]))[0]!;
    },
  });

  for (const verb of ['approve', 'reject'] as const) {
    app.post(`/approvals/:id/${verb}`, {
      config: { auth: { ...REVIEWERS, principals: ['user' as const] }, audit: `approval.${verb}` },
      schema: {
        tags: ['approvals'],
        summary: verb === 'approve' ? 'Approve: the request is published, the distribution sent' : 'Reject with a reason: the request fails with it, the distribution is not sent',
        params: idParams,
        body: decisionBody[verb],
        response: withErrors({ 200: approvalSchema }, [404, 409]),
      },
      handler: async (request) => {
        const principal = request.principal!;
        request.auditInfo = { targetType: 'approval', targetId: request.params.id, details: { via: 'web' } };
        try {
          const body = request.body as { note?: string; reason?: string };
          const decided = await app.approvals.decide(principal.orgId, request.params.id, { id: principal.userId!, roles: principal.roles }, { state: verb === 'approve' ? 'approved' : 'rejected', note: body.reason ?? body.note ?? null });
          request.auditInfo.details = { via: 'web', app: decided.app_name, version: decided.version, kind: decided.kind, decision: decided.state };
          return (await approvalViews(app.db, [decided]))[0]!;
        } catch (error) {
          request.auditInfo.details = { via: 'web', refused: (error as { code?: string }).code ?? 'ERROR' };
          throw error;
        }
      },
    });
  }
}
