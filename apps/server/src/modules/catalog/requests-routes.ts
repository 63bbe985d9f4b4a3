import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { extractSpec, parseAppSpec } from '@marketplace/spec';
import { z } from 'zod';
import { AppError, NotFoundError } from '../../errors/app-error.js';
import { idParams, iso, pagination, withErrors } from '../../http/responses.js';
import { jobName } from '../pipeline/pipeline-steps.js';
import { insertRequest } from '../pipeline/pipeline-store.js';
import { publishRequestEvent } from '../pipeline/request-events.js';
import { REQUEST_STATES } from '../../db/schema.js';

const stepSchema = z.object({ name: z.string(), state: z.enum(['pending', 'running', 'done', 'failed']), durationMs: z.number().nullable(), attempts: z.number(), error: z.object({ code: z.string(), message: z.string(), output: z.string().optional() }).nullable() });
export const requestSchema = z
  .object({
    id: z.string(),
    state: z.enum(REQUEST_STATES),
    source: z.string(),
    spec: z.record(z.string(), z.unknown()),
    steps: z.array(stepSchema),
    appId: z.string().nullable(),
    version: z.string().nullable(),
    error: z.object({ step: z.string(), code: z.string(), message: z.string() }).nullable(),
    notice: z.string().nullable(),
    deliveries: z.array(z.object({ id: z.string(), recipient: z.string(), state: z.enum(['queued', 'sending', 'sent', 'failed']) })).describe('The published release on its way to the requester’s own agents'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Request' });

const EMPLOYEES = { roles: ['publisher' as const, 'member' as const] };

export async function requestView(app: FastifyInstance, orgId: string, id: string) {
  const request = await app.db.selectFrom('requests').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!request) throw new NotFoundError('Request', id);
  const steps = await app.db.selectFrom('request_steps').selectAll().where('request_id', '=', id).orderBy('position').execute();
  const deliveries = request.user_id
    ? await app.db
        .selectFrom('deliveries')
        .innerJoin('app_versions', 'app_versions.id', 'deliveries.version_id')
        .select(['deliveries.id', 'deliveries.recipient', 'deliveries.state'])
        .where('app_versions.request_id', '=', id)
        .where('deliveries.org_id', '=', orgId)
        .where('deliveries.user_id', '=', request.user_id)
        .orderBy('deliveries.created_at')
        .execute()
    : [];
  return {
    id: request.id,
    state: request.state,
    source: request.source,
    spec: request.spec as Record<string, unknown>,
    steps: steps.map((step) => ({ name: step.name, state: step.state, durationMs: step.duration_ms, attempts: step.attempts, error: (step.error as any) ?? null })),
    appId: request.app_id,
    version: request.version,
    error: (request.error as any) ?? null,
    notice: request.notice,
    deliveries,
    createdAt: iso(request.created_at),
    updatedAt: iso(request.updated_at),
  };
}

/** Submit an AppSpec (or a request in words) to the pipeline, then follow its steps. */
export async function submitRequest(app: FastifyInstance, input: { orgId: string; userId: string | null; source: 'api' | 'conversation' | 'email' | 'mcp' | 'cli'; spec: object; text: string | null; notice?: string | null }): Promise<string> {
  if (!app.jobs) throw new AppError('JOBS_UNAVAILABLE', 503, 'The job queue is not running in this process; start the server with --role all or api.');
  const id = randomUUID();
  await insertRequest(app.db, { id, ...input });
  await publishRequestEvent(app.db, app.events, id, null, null);
  await app.jobs.send(jobName('generate'), { orgId: input.orgId, requestId: id }, { singletonKey: `${id}:generate` });
  return id;
}

export default async function requestsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post('/requests', {
    config: { auth: EMPLOYEES, audit: 'request.create' },
    schema: {
      tags: ['requests'],
      summary: 'Build an app from an AppSpec, or from a request in words (EN/PL)',
      body: z.union([z.object({ spec: z.record(z.string(), z.unknown()) }).strict(), z.object({ text: z.string().trim().min(3).max(20_000) }).strict()]),
      response: withErrors({ 202: z.object({ id: z.string(), state: z.string() }) }, [422, 503]),
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      let spec: object;
      let text: string | null = null;
      if ('spec' in request.body) {
        const parsed = parseAppSpec(request.body.spec);
        if (!parsed.ok) throw new AppError('SPEC_INVALID', 422, `The AppSpec is invalid: ${parsed.issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ')}.`, { details: { errors: parsed.issues } });
        if (parsed.spec.missing?.length) throw new AppError('SPEC_INCOMPLETE', 422, `The AppSpec still has open questions (${parsed.spec.missing.join(', ')}); answer them or remove "missing".`, { details: { missing: parsed.spec.missing } });
        spec = parsed.spec;
      } else {
        text = request.body.text;
        const result = extractSpec(text);
        if (result.missing.length) {
          throw new AppError('SPEC_INCOMPLETE', 422, `The request leaves questions open: ${result.questions.map((q) => q.question).join(' ')} Answer them in a conversation (POST /api/v1/conversations) or send a full spec.`, {
            details: { missing: result.missing, questions: result.questions, spec: result.spec },
          });
        }
        spec = result.spec;
      }
      const id = await submitRequest(app, { orgId: principal.orgId, userId: principal.userId, source: 'api', spec, text });
      request.auditInfo = { targetType: 'request', targetId: id, details: { app: (spec as { name: string }).name } };
      return reply.status(202).send({ id, state: 'queued' });
    },
  });

  app.get('/requests', {
    config: { auth: EMPLOYEES },
    schema: { tags: ['requests'], summary: 'My requests, newest first', querystring: z.object({ ...pagination }).strict(), response: withErrors({ 200: z.object({ items: z.array(z.object({ id: z.string(), state: z.string(), app: z.string(), version: z.string().nullable(), createdAt: z.string() })), total: z.number() }) }) },
    handler: async (request) => {
      const principal = request.principal!;
      let query = app.db.selectFrom('requests').where('org_id', '=', principal.orgId);
      if (principal.userId) query = query.where('user_id', '=', principal.userId);
      const [rows, count] = await Promise.all([
        query.select(['id', 'state', 'spec', 'version', 'created_at']).orderBy('created_at', 'desc').limit(request.query.limit).offset(request.query.offset).execute(),
        query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map((row) => ({ id: row.id, state: row.state, app: String((row.spec as { name?: string }).name ?? ''), version: row.version, createdAt: iso(row.created_at) })), total: Number(count.n) };
    },
  });

  app.get('/requests/:id', {
    config: { auth: EMPLOYEES },
    schema: { tags: ['requests'], summary: 'A request and the state of each pipeline step', params: idParams, response: withErrors({ 200: requestSchema }, [404]) },
    handler: async (request) => requestView(app, request.principal!.orgId, request.params.id),
  });
}
