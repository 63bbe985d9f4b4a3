import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withErrors } from '../../http/responses.js';
import { loadAnalytics, PERIODS } from './analytics-repository.js';

const point = z.object({ t: z.string(), value: z.number() });
const analyticsSchema = z
  .object({
    period: z.enum(PERIODS),
    from: z.string(),
    to: z.string(),
    bucket: z.enum(['hour', 'day']),
    series: z.object({ requests: z.array(point), published: z.array(point), failed: z.array(point), generationSecondsP50: z.array(point), activeUsers: z.array(point), llmCostUsd: z.array(point) }),
    totals: z.object({
      requests: z.number(),
      published: z.number(),
      failed: z.number(),
      successRate: z.number().nullable(),
      generationSecondsP50: z.number().nullable(),
      activeUsers: z.number(),
      deployments: z.number(),
      healthyDeployments: z.number(),
      llmCalls: z.number(),
      llmTokens: z.number(),
      llmCostUsd: z.number(),
    }),
    kinds: z.array(z.object({ kind: z.string(), count: z.number() })),
    deploymentOutcomes: z.array(z.object({ state: z.string(), count: z.number() })),
  })
  .meta({ id: 'Analytics' });

/** GET /analytics: the organisation's pipeline, usage, deployment and LLM figures over a period. */
export default async function analyticsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/analytics', {
    config: { auth: { roles: ['admin', 'publisher', 'reviewer'] } },
    schema: {
      tags: ['analytics'],
      summary: 'Requests, publications, failures, build time, active users, deployments and LLM cost per hour (24h) or day',
      querystring: z.object({ period: z.enum(PERIODS, { message: `period must be one of ${PERIODS.join(', ')}` }).default('7d') }).strict(),
      response: withErrors({ 200: analyticsSchema }),
    },
    handler: async (request) => loadAnalytics(app.db, request.principal!.orgId, request.query.period),
  });
}
