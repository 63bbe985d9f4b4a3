import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, NotFoundError } from '../../errors/app-error.js';
import { withErrors } from '../../http/responses.js';
import { hasRole } from '../auth/principal.js';
import { findBundleForDownload, findVersion, listDeliveries } from './distribution-repository.js';
import { checkDownloadLink } from './download-links.js';
import { queueDeliveries } from './queue-deliveries.js';
import { deliverySchema, queuedDeliverySchema, toDelivery, toQueuedDelivery } from './delivery-schema.js';
import { membersOfGroups } from '../groups/groups-repository.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { holdDistribution } from './distribution-approval.js';
import type { Logger } from 'pino';

const versionParams = z.object({ id: z.uuid({ message: 'must be a UUID' }), version: z.string().min(1).max(64) }).strict();

/** Send a published version to agents by e-mail: one delivery (and one job) per agent mailbox. */
export default async function distributionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post('/apps/:id/versions/:version/distribute', {
    config: { auth: { principals: ['user', 'api-key'] }, audit: 'release.distribute' },
    schema: {
      tags: ['distribution'],
      summary: 'E-mail a published version to agents: mine (default), some users’ or groups’, some agents, or all (publishers)',
      params: versionParams,
      body: z.object({ userIds: z.array(z.uuid()).max(500).optional(), groupIds: z.array(z.uuid()).max(100).optional(), agentIds: z.array(z.uuid()).max(500).optional(), all: z.boolean().optional() }).strict(),
      response: withErrors({ 202: z.object({ deliveries: z.array(queuedDeliverySchema), approvalId: z.string().optional().describe('Set when the organisation’s policy holds this distribution for a reviewer: nothing is sent until it is approved') }) }, [404, 409, 503]),
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      const version = await findVersion(app.db, principal.orgId, request.params.id, request.params.version);
      if (!version) throw new NotFoundError(`Version ${request.params.version} of app`, request.params.id);
      if (!app.jobs) throw new AppError('JOBS_UNAVAILABLE', 503, 'The job queue is not running in this process; start the server with --role all or api.');
      const { agentIds, all, groupIds } = request.body;
      const userIds = groupIds?.length ? [...new Set([...(request.body.userIds ?? []), ...(await membersOfGroups(app.db, principal.orgId, groupIds))])] : request.body.userIds;
      const forOthers = all || agentIds?.length || groupIds?.length || userIds?.some((id) => id !== principal.userId);
      if (forOthers && !hasRole(principal, 'publisher')) throw new AppError('ROLE_REQUIRED', 403, 'Sending to other people’s agents needs the publisher role; you can install on your own agents.');
      const selection = userIds || agentIds || all ? { ...(userIds ? { userIds } : {}), ...(agentIds ? { agentIds } : {}), ...(all ? { all } : {}) } : { userIds: principal.userId ? [principal.userId] : [] };
      const recipients = await app.agents.recipients(principal.orgId, selection);
      if (!recipients.length) throw new AppError('NO_RECIPIENTS', 409, 'No enrolled agent matches: enrol one with `marketplace-agent enroll` (POST /api/v1/agents/enrollments gives the code), or choose other users or agents.');
      if (forOthers && (await getOrgSettings(app.db, principal.orgId)).policy.distributeToOthers) {
        const held = await holdDistribution({ db: app.db, config: app.config, logger: request.log as Logger }, { orgId: principal.orgId, appId: version.app_id, versionId: version.id, version: version.version, selection, recipients: recipients.length, requestedBy: principal.userId });
        request.auditInfo = { targetType: 'app_version', targetId: version.id, details: { version: version.version, recipients: recipients.length, held: 'APPROVAL_REQUIRED', approvalId: held.id } };
        return reply.status(202).send({ deliveries: [], approvalId: held.id });
      }
      // The same version to the same agent again is the same delivery (`existing`) unless it was removed there since.
      const deliveries = await queueDeliveries(app.db, app.jobs, app.events, { orgId: principal.orgId, appId: version.app_id, versionId: version.id, recipients, requestedBy: principal.userId });
      request.auditInfo = { targetType: 'app_version', targetId: version.id, details: { version: version.version, recipients: recipients.length } };
      return reply.status(202).send({ deliveries: deliveries.map(toQueuedDelivery) });
    },
  });

  app.get('/deliveries', {
    schema: { tags: ['distribution'], summary: 'Release e-mails sent (filter by app)', querystring: z.object({ appId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(), response: withErrors({ 200: z.object({ items: z.array(deliverySchema) }) }) },
    handler: async (request) => {
      const rows = await listDeliveries(app.db, request.principal!.orgId, { appId: request.query.appId, limit: request.query.limit });
      return { items: rows.map(toDelivery) };
    },
  });

  app.get('/downloads/:versionId', {
    config: { auth: false },
    schema: { tags: ['distribution'], summary: 'Download a bundle through a signed, expiring link from a release e-mail', security: [], params: z.object({ versionId: z.uuid() }).strict(), querystring: z.object({ expires: z.coerce.number().int(), sig: z.string().max(100) }).strict(), response: withErrors({ 200: z.any() }, [404, 410]) },
    handler: async (request, reply) => {
      const verdict = checkDownloadLink(app.config.jwtSecret!, request.params.versionId, request.query.expires, request.query.sig);
      if (verdict === 'invalid') throw new NotFoundError('Download');
      if (verdict === 'expired') throw new AppError('LINK_EXPIRED', 410, 'This download link has expired; ask for the release to be sent again.');
      const row = await findBundleForDownload(app.db, request.params.versionId);
      if (!row) throw new NotFoundError('Download');
      const name = (row.spec as { name: string }).name;
      return reply.type('application/gzip').header('content-disposition', `attachment; filename="${name}-${row.version}.tgz"`).header('x-content-sha256', row.bundle_sha256).send(Buffer.from(row.bundle));
    },
  });
}
