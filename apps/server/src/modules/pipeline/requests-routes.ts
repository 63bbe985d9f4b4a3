import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { noticeSchema } from '../../http/notice.js';
import { idParams, iso, pagination, withErrors } from '../../http/responses.js';
import { listRequests, requestView } from './requests-repository.js';
import { requestBodySchema, specOfRequest, submitRequest } from './request-service.js';
import { REQUEST_STATES } from './pipeline-tables.js';

const stepSchema = z.object({ name: z.string(), state: z.enum(['pending', 'running', 'done', 'failed']), durationMs: z.number().nullable(), attempts: z.number(), error: z.object({ code: z.string(), message: z.string(), notice: noticeSchema.optional().describe('The message as a code and parameters, for a UI to word'), output: z.string().optional() }).nullable() });
export const requestSchema = z
  .object({
    id: z.string(),
    state: z.enum(REQUEST_STATES),
    source: z.string(),
    spec: z.record(z.string(), z.unknown()),
    steps: z.array(stepSchema),
    appId: z.string().nullable(),
    version: z.string().nullable(),
    error: z.object({ step: z.string(), code: z.string(), message: z.string(), notice: noticeSchema.optional().describe('The message as a code and parameters, for a UI to word') }).nullable(),
    notice: z.string().nullable(),
    deliveries: z.array(z.object({ id: z.string(), recipient: z.string(), state: z.enum(['queued', 'sending', 'sent', 'failed']), error: z.string().nullable().describe('Why sending failed, or the last temporary failure') })).describe('The published release on its way to the requester’s own agents'),
    deliverySkipped: z.enum(['no-workstation', 'not-automatic']).nullable().describe('Published and sent nowhere: the requester had no workstation enrolled, or the organisation sent releases only when someone installs them (distribution.deliverToRequester off), as it was at publication; null otherwise'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Request' });

const EMPLOYEES = { roles: ['publisher' as const, 'member' as const] };

export default async function requestsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post('/requests', {
    config: { auth: EMPLOYEES, audit: 'request.create' },
    schema: {
      tags: ['requests'],
      summary: 'Build an app from an AppSpec, or from a request in words (EN/PL)',
      body: requestBodySchema,
      response: withErrors({ 202: z.object({ id: z.string(), state: z.string() }) }, [422, 503]),
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      const { spec, text } = specOfRequest(request.body);
      request.auditInfo = { targetType: 'request', details: { app: (spec as { name: string }).name } };
      let id: string;
      try {
        id = await submitRequest(app, { orgId: principal.orgId, userId: principal.userId, source: 'api', spec, text });
      } catch (error) {
        if (error instanceof AppError) request.auditInfo.details = { ...request.auditInfo.details, refused: error.code, ...error.details };
        throw error;
      }
      request.auditInfo = { targetType: 'request', targetId: id, details: { app: (spec as { name: string }).name } };
      return reply.status(202).send({ id, state: 'queued' });
    },
  });

  app.get('/requests', {
    config: { auth: EMPLOYEES },
    schema: { tags: ['requests'], summary: 'My requests, newest first', querystring: z.object({ ...pagination }).strict(), response: withErrors({ 200: z.object({ items: z.array(z.object({ id: z.string(), state: z.string(), app: z.string(), version: z.string().nullable(), createdAt: z.string() })), total: z.number() }) }) },
    handler: async (request) => {
      const principal = request.principal!;
      const { rows, total } = await listRequests(app.db, principal, request.query);
      return { items: rows.map((row) => ({ id: row.id, state: row.state, app: String((row.spec as { name?: string }).name ?? ''), version: row.version, createdAt: iso(row.created_at) })), total };
    },
  });

  app.get('/requests/:id', {
    config: { auth: EMPLOYEES },
    schema: { tags: ['requests'], summary: 'A request and the state of each pipeline step', params: idParams, response: withErrors({ 200: requestSchema }, [404]) },
    handler: async (request) => requestView(app.db, request.principal!.orgId, request.params.id),
  });
}
