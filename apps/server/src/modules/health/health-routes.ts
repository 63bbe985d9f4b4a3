import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Liveness says the process answers; readiness says it can do its job (database reachable, migrated). */
export default async function healthRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/healthz', {
    config: { auth: false, rateLimit: false },
    schema: { tags: ['health'], summary: 'Liveness', security: [], response: { 200: z.object({ status: z.literal('ok') }) } },
    handler: async () => ({ status: 'ok' as const }),
  });

  const checksSchema = z.object({ status: z.enum(['ready', 'not-ready']), checks: z.array(z.object({ name: z.string(), ok: z.boolean(), error: z.string().optional(), durationMs: z.number() })) });
  app.get('/readyz', {
    config: { auth: false, rateLimit: false },
    schema: { tags: ['health'], summary: 'Readiness: database reachable, migrations applied', security: [], response: { 200: checksSchema, 503: checksSchema } },
    handler: async (_request, reply) => {
      const checks = await Promise.all(
        [{ name: 'database', check: () => app.database.ping() }, ...app.readinessChecks].map(async ({ name, check }) => {
          const started = performance.now();
          try {
            await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref())]);
            return { name, ok: true, durationMs: Math.round(performance.now() - started) };
          } catch (error) {
            return { name, ok: false, error: (error as Error).message, durationMs: Math.round(performance.now() - started) };
          }
        }),
      );
      const ready = checks.every((c) => c.ok);
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
    },
  });
}
