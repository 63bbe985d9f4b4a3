import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors/app-error.js';
import { idParams, withErrors } from '../../http/responses.js';
import { commandSchema, commandsOf, openCommandsOf } from './agent-commands.js';
import { appStanding, standingsOf } from './deployment-standing.js';
import { deploymentEventSchema, toDeploymentEvent } from './deployment-event-schema.js';
import { deploymentEvents, deploymentSchema, deploymentStateSchema, toDeployment, visibleDeployments } from './deployments-repository.js';

const query = z
  .object({
    appId: z.uuid({ message: 'must be an app id (UUID)' }).optional(),
    app: z.string().max(48).optional(),
    agentId: z.uuid({ message: 'must be an agent id (UUID)' }).optional(),
    state: deploymentStateSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const detailSchema = deploymentSchema
  .extend({
    logTail: z.string().nullable(),
    history: z.array(deploymentEventSchema),
    commands: z.array(commandSchema).describe('Rollbacks and removals asked for from the marketplace, oldest first'),
  })
  .meta({ id: 'DeploymentDetail' });

/** Where each app version runs: members see their own agents' deployments, admins and reviewers the organisation's. */
export default async function deploymentsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const db = app.db;

  app.get('/deployments', {
    schema: { tags: ['deployments'], summary: 'Deployments of app versions on agents', querystring: query, response: withErrors({ 200: z.object({ items: z.array(deploymentSchema) }) }) },
    handler: async (request) => {
      let q = visibleDeployments(db, request.principal!);
      const { appId, app: appName, agentId, state, limit } = request.query;
      if (appId) q = q.where('deployments.app_id', '=', appId);
      if (appName) q = q.where('deployments.app', '=', appName);
      if (agentId) q = q.where('deployments.agent_id', '=', agentId);
      if (state) q = q.where('deployments.state', '=', state);
      const rows = await q.orderBy('deployments.updated_at', 'desc').limit(limit).execute();
      const pending = await openCommandsOf(app.db, rows.map((row: any) => row.id));
      const standings = await standingsOf(app.db, rows as any[]);
      return { items: rows.map((row: any) => toDeployment(row, pending.get(row.id), standings.get(`${row.agent_id} ${row.app}`))) };
    },
  });

  app.get('/deployments/:id', {
    schema: { tags: ['deployments'], summary: 'One deployment with its history', params: idParams, response: withErrors({ 200: detailSchema }, [404]) },
    handler: async (request) => {
      const row: any = await visibleDeployments(db, request.principal!).where('deployments.id', '=', request.params.id).executeTakeFirst();
      if (!row) throw new NotFoundError('Deployment', request.params.id);
      const events = await deploymentEvents(db, row.id);
      const commands = await commandsOf(app.db, row.id);
      const pending = commands.findLast((command) => command.state === 'queued' || command.state === 'sent');
      return {
        ...toDeployment(row, pending, await appStanding(app.db, row.agent_id, row.app)),
        logTail: row.log_tail ?? null,
        history: events.map(toDeploymentEvent),
        commands,
      };
    },
  });
}
