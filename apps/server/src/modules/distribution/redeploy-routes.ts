import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../../errors/app-error.js';
import { idParams, withErrors } from '../../http/responses.js';
import { hasRole } from '../auth/principal.js';
import { findCatalogVersion, visibleDeployments } from '../deployments/deployments-repository.js';
import { queuedDeliverySchema, toQueuedDelivery } from './delivery-schema.js';
import { queueDeliveries } from './queue-deliveries.js';

const USERS = { principals: ['user' as const, 'api-key' as const] };
/** Redeploy: a deployment's version sent to its agent again, as a new delivery (distribution owns deliveries). */
export default async function redeployRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const db = app.db;

  app.post('/deployments/:id/redeploy', {
    config: { auth: USERS, audit: 'deployment.redeploy' },
    schema: {
      tags: ['deployments'],
      summary: 'Send this deployment’s version to its agent again: a new delivery',
      description: 'Queues a new release e-mail of the same version to the same agent (a new delivery with its own statement). While a delivery of it is still queued or sending that one is answered (`existing: true`). Allowed for the agent’s owner, publishers and admins. 409 DEPLOYMENT_NOT_IN_CATALOG when the version is not a published catalog version.',
      params: idParams,
      response: withErrors({ 202: z.object({ delivery: queuedDeliverySchema }) }, [404, 409, 503]),
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      const row: any = await visibleDeployments(db, principal).where('deployments.id', '=', request.params.id).executeTakeFirst();
      if (!row) throw new NotFoundError('Deployment', request.params.id);
      request.auditInfo = { targetType: 'deployment', targetId: row.id, details: { app: row.app, version: row.version, agentId: row.agent_id } };
      const owner = principal.userId !== null && row.agent_user_id === principal.userId;
      if (!owner && !hasRole(principal, 'publisher')) throw new ForbiddenError('Only the agent’s owner, publishers and admins can redeploy.', 'ROLE_REQUIRED');
      const version = row.app_id ? await findCatalogVersion(db, principal.orgId, row.app_id, row.version) : undefined;
      if (!version) throw new ConflictError(`${row.app} ${row.version} is not a published version in the catalog, so the marketplace cannot send it again; install it on the workstation by hand instead.`, 'DEPLOYMENT_NOT_IN_CATALOG');
      if (!app.jobs) throw new AppError('JOBS_UNAVAILABLE', 503, 'The job queue is not running in this process; start the server with --role all or api.');
      const recipients = await app.agents.recipients(principal.orgId, { agentIds: [row.agent_id] });
      if (!recipients.length) throw new ConflictError('The agent of this deployment was revoked; enrol the workstation again, then install the app.', 'AGENT_REVOKED');
      const [delivery] = await queueDeliveries(db, app.jobs, app.events, { orgId: principal.orgId, appId: version.app_id, versionId: version.id, recipients, requestedBy: principal.userId, again: true });
      request.auditInfo.details = { ...request.auditInfo.details, deliveryId: delivery!.id, ...(delivery!.existing ? { existing: true } : {}) };
      return reply.status(202).send({ delivery: toQueuedDelivery(delivery!) });
    },
  });
}
