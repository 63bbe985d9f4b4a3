import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listTemplates } from '@marketplace/generators';
import { z } from 'zod';
import { NotFoundError } from '../../errors/app-error.js';
import { idParams, withErrors } from '../../http/responses.js';
import { findAppRow, findVersionFile, findVersionRow, getVersionBundle, listVersionFiles } from './catalog-repository.js';
import { watchCatalogVersions } from './catalog-search-cache.js';
import { appDetail, appDetailSchema, appQuerySchema, searchCatalogAnswer, searchResultSchema, versionDetail, versionSummary } from './catalog-views.js';

const versionParams = z.object({ id: z.uuid({ message: 'must be a UUID' }), version: z.string().min(1).max(64) }).strict();

async function findApp(app: FastifyInstance, orgId: string, id: string) {
  const row = await findAppRow(app.db, orgId, id);
  if (!row) throw new NotFoundError('App', id);
  return row;
}

async function findVersion(app: FastifyInstance, orgId: string, id: string, version: string) {
  await findApp(app, orgId, id);
  const row = await findVersionRow(app.db, orgId, id, version);
  if (!row) throw new NotFoundError(`Version ${version} of app`, id);
  return row;
}

/** The organisation's catalog: search, app pages, versions, code preview, reports, downloads. */
export default async function catalogRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // Searches answered from memory stay current: on PGlite by the catalog's change notifications.
  const stopWatching = await watchCatalogVersions(app.database);
  app.addHook('onClose', stopWatching);

  app.get('/templates', {
    schema: { tags: ['catalog'], summary: 'The app generators, their parameters and an example spec each', response: withErrors({ 200: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) }) },
    handler: async () => ({ items: listTemplates() as unknown as Record<string, unknown>[] }),
  });

  app.get('/apps', {
    schema: {
      tags: ['catalog'],
      summary: 'Search the catalog: words match as prefixes and, where pg_trgm is installed, small typos; ranked by relevance unless another sort is asked for',
      querystring: appQuerySchema,
      response: withErrors({ 200: searchResultSchema }),
    },
    handler: async (request, reply) => {
      // The JSON text kept with the answer (schema-checked when it was made) goes out as it is.
      const { json } = await searchCatalogAnswer(app.db, request.principal!.orgId, request.query);
      return reply.type('application/json; charset=utf-8').send(json);
    },
  });

  app.get('/apps/:id', {
    schema: { tags: ['catalog'], summary: 'An app with its versions', params: idParams, response: withErrors({ 200: appDetailSchema }, [404]) },
    handler: async (request) => appDetail(app.db, request.principal!.orgId, request.params.id),
  });

  app.get('/apps/:id/versions/:version', {
    schema: { tags: ['catalog'], summary: 'One version: manifest, validation and scan reports, signature', params: versionParams, response: withErrors({ 200: versionSummary.extend({ manifest: z.record(z.string(), z.unknown()), validationReport: z.record(z.string(), z.unknown()), scanReport: z.record(z.string(), z.unknown()), release: z.record(z.string(), z.unknown()) }) }, [404]) },
    handler: async (request) => {
      const row = await findVersion(app, request.principal!.orgId, request.params.id, request.params.version);
      return versionDetail(row);
    },
  });

  app.get('/apps/:id/versions/:version/files', {
    schema: { tags: ['catalog'], summary: 'The file tree of a version (for the code preview)', params: versionParams, response: withErrors({ 200: z.object({ items: z.array(z.object({ path: z.string(), size: z.number(), previewable: z.boolean() })) }) }, [404]) },
    handler: async (request) => {
      const row = await findVersion(app, request.principal!.orgId, request.params.id, request.params.version);
      const files = await listVersionFiles(app.db, row.id);
      return { items: files.map((f) => ({ path: f.path, size: f.size, previewable: Boolean(f.previewable) })) };
    },
  });

  app.get('/apps/:id/versions/:version/file', {
    schema: { tags: ['catalog'], summary: 'One file’s content (text files up to 256 KiB)', params: versionParams, querystring: z.object({ path: z.string().min(1).max(500) }).strict(), response: withErrors({ 200: z.object({ path: z.string(), size: z.number(), content: z.string() }) }, [404]) },
    handler: async (request) => {
      const row = await findVersion(app, request.principal!.orgId, request.params.id, request.params.version);
      const file = await findVersionFile(app.db, row.id, request.query.path);
      if (!file || file.content === null) throw new NotFoundError(`Previewable file ${JSON.stringify(request.query.path)} in version`, request.params.version);
      return { path: file.path, size: file.size, content: file.content };
    },
  });

  app.get('/apps/:id/versions/:version/bundle', {
    schema: { tags: ['catalog'], summary: 'Download the bundle (.tgz)', params: versionParams, response: withErrors({ 200: z.any() }, [404]) },
    handler: async (request, reply) => {
      const row = await findVersion(app, request.principal!.orgId, request.params.id, request.params.version);
      const bundle = await getVersionBundle(app.db, row.id);
      const name = (row.spec as { name: string }).name;
      return reply.type('application/gzip').header('content-disposition', `attachment; filename="${name}-${row.version}.tgz"`).header('x-content-sha256', row.bundle_sha256).send(Buffer.from(bundle.bundle));
    },
  });

  app.get('/apps/:id/versions/:version/release', {
    schema: { tags: ['catalog'], summary: 'Download the signed release (DSSE envelope)', params: versionParams, response: withErrors({ 200: z.any() }, [404]) },
    handler: async (request, reply) => {
      const row = await findVersion(app, request.principal!.orgId, request.params.id, request.params.version);
      const name = (row.spec as { name: string }).name;
      return reply.type('application/json').header('content-disposition', `attachment; filename="${name}-${row.version}.release.json"`).send(row.release_json);
    },
  });
}
