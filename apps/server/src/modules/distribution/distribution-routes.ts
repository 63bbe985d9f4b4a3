import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, NotFoundError } from '../../errors/app-error.js';
import { withErrors } from '../../http/responses.js';
import { findBundleForDownload, listDeliveries } from './distribution-repository.js';
import { checkDownloadLink } from './download-links.js';
import { deliverySchema, toDelivery } from './delivery-schema.js';
import { distributeBodySchema, distributeResultSchema, distributeVersion, versionParamsSchema } from './distribute-version.js';
import type { Logger } from 'pino';

/** Send a published version to agents by e-mail: one delivery (and one job) per agent mailbox. */
export default async function distributionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post('/apps/:id/versions/:version/distribute', {
    config: { auth: { principals: ['user', 'api-key'] }, audit: 'release.distribute' },
    schema: {
      tags: ['distribution'],
      summary: 'E-mail a published version to agents: mine (default), some users’ or groups’, some agents, or all (publishers)',
      params: versionParamsSchema,
      body: distributeBodySchema,
      response: withErrors({ 202: distributeResultSchema }, [404, 409, 503]),
    },
    handler: async (request, reply) => {
      const deps = { db: app.db, config: app.config, jobs: app.jobs, events: app.events, agents: app.agents, logger: request.log as Logger };
      const { result, audit } = await distributeVersion(deps, request.principal!, request.params, request.body);
      request.auditInfo = audit;
      return reply.status(202).send(result);
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
