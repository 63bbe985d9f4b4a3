import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors/app-error.js';
import { idParams, withErrors } from '../../http/responses.js';
import { deploymentEventSchema, toDeploymentEvent } from './deployment-event-schema.js';
import { deploymentEvents, visibleDeployments } from './deployments-repository.js';

/** A deployment's history: every state change with its time and reason. */
export default async function deploymentHistoryRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const db = app.db;

  app.get('/deployments/:id/events', {
    schema: { tags: ['deployments'], summary: 'Every state change of one deployment with its time and reason, oldest first', params: idParams, response: withErrors({ 200: z.object({ items: z.array(deploymentEventSchema) }) }, [404]) },
    handler: async (request) => {
      const row = await visibleDeployments(db, request.principal!).where('deployments.id', '=', request.params.id).executeTakeFirst();
      if (!row) throw new NotFoundError('Deployment', request.params.id);
      return { items: (await deploymentEvents(db, request.params.id)).map(toDeploymentEvent) };
    },
  });
}
