import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors/app-error.js';
import { idParams, isoOrNull, withErrors } from '../../http/responses.js';
import { commandSchema, commandsOf } from './agent-commands.js';
import { appStanding } from './deployment-standing.js';
import { deploymentsQuerySchema, listDeployments } from './deployment-actions.js';
import { deploymentEventSchema, toDeploymentEvent } from './deployment-event-schema.js';
import { deploymentEvents, deploymentSchema, toDeployment, visibleDeployments } from './deployments-repository.js';

const detailSchema = deploymentSchema
  .extend({
    logTail: z.string().nullable(),
    logTailAt: z.string().nullable().describe('When the agent read logTail (with a report, or answering a logs request)'),
    logsRequest: commandSchema.nullable().describe('The latest request for the latest log lines (POST /deployments/{id}/logs): queued or sent until the agent answers, then done or failed with the reason'),
    history: z.array(deploymentEventSchema),
    commands: z.array(commandSchema).describe('Rollbacks and removals asked for from the marketplace, oldest first'),
  })
  .meta({ id: 'DeploymentDetail' });

/** Where each app version runs: members see their own agents' deployments, admins and reviewers the organisation's. */
export default async function deploymentsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const db = app.db;

  app.get('/deployments', {
    schema: { tags: ['deployments'], summary: 'Deployments of app versions on agents', querystring: deploymentsQuerySchema, response: withErrors({ 200: z.object({ items: z.array(deploymentSchema) }) }) },
    handler: async (request) => listDeployments(db, request.principal!, request.query),
  });

  app.get('/deployments/:id', {
    schema: { tags: ['deployments'], summary: 'One deployment with its history', params: idParams, response: withErrors({ 200: detailSchema }, [404]) },
    handler: async (request) => {
      const row: any = await visibleDeployments(db, request.principal!).where('deployments.id', '=', request.params.id).executeTakeFirst();
      if (!row) throw new NotFoundError('Deployment', request.params.id);
      const events = await deploymentEvents(db, row.id);
      const all = await commandsOf(app.db, row.id);
      const commands = all.filter((command) => command.type !== 'logs');
      const pending = commands.findLast((command) => command.state === 'queued' || command.state === 'sent');
      return {
        ...toDeployment(row, pending, await appStanding(app.db, row.agent_id, row.app)),
        logTail: row.log_tail ?? null,
        logTailAt: isoOrNull(row.log_tail_at),
        logsRequest: all.findLast((command) => command.type === 'logs') ?? null,
        history: events.map(toDeploymentEvent),
        commands,
      };
    },
  });
}
