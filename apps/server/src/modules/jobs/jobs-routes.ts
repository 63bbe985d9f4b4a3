import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, NotFoundError } from '../../errors/app-error.js';
import { withErrors } from '../../http/responses.js';

const ADMIN = { roles: ['admin' as const] };
const deadJobSchema = z.object({ id: z.string(), name: z.string(), error: z.string(), attempts: z.number(), createdAt: z.string(), failedAt: z.string().nullable() }).meta({ id: 'DeadLetterJob' });

const orgOf = (data: unknown) => (data && typeof data === 'object' && 'orgId' in data ? String((data as { orgId: unknown }).orgId) : undefined);

/** Jobs that failed after all their retries, per organisation, and a way to run them again. */
export default async function jobsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const queue = () => {
    if (!app.jobs) throw new AppError('JOBS_UNAVAILABLE', 503, 'The job queue is not running in this process (start the server with --role all or worker).');
    return app.jobs;
  };

  app.get('/jobs/dead-letter', {
    config: { auth: ADMIN },
    schema: { tags: ['jobs'], summary: 'Jobs that failed after every retry', querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(), response: withErrors({ 200: z.object({ items: z.array(deadJobSchema) }) }, [503]) },
    handler: async (request) => {
      const jobs = await queue().listDeadLetter({ limit: 1000 });
      const mine = jobs.filter((job) => orgOf(job.data) === request.principal!.orgId).slice(0, request.query.limit);
      return {
        items: mine.map((job) => ({
          id: job.id,
          name: job.name,
          error: job.lastError,
          attempts: job.attempts,
          createdAt: new Date(job.createdOn).toISOString(),
          failedAt: job.failedOn ? new Date(job.failedOn).toISOString() : null,
        })),
      };
    },
  });

  app.post('/jobs/dead-letter/:id/retry', {
    config: { auth: ADMIN, audit: 'job.retry' },
    schema: { tags: ['jobs'], summary: 'Run a dead-lettered job again', params: z.object({ id: z.string().min(1).max(100) }).strict(), response: withErrors({ 202: z.object({ id: z.string() }) }, [404, 503]) },
    handler: async (request, reply) => {
      const jobs = await queue().listDeadLetter({ limit: 1000 });
      const job = jobs.find((j) => j.id === request.params.id && orgOf(j.data) === request.principal!.orgId);
      if (!job) throw new NotFoundError('Dead-lettered job', request.params.id);
      await queue().retryDeadLetter(job.id);
      request.auditInfo = { targetType: 'job', targetId: job.id, details: { name: job.name } };
      return reply.status(202).send({ id: job.id });
    },
  });
}
