import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listTemplates } from '@marketplace/generators';
import { APP_KINDS } from '@marketplace/spec';
import { z } from 'zod';
import { NotFoundError } from '../../errors/app-error.js';
import { idParams, iso, optionalQuery, pagination, withErrors } from '../../http/responses.js';
import { findAppRow, findAppWithFigures, findVersionFile, findVersionRow, getVersionBundle, listVersionFiles, listVersions, searchApps } from './catalog-repository.js';

const appCard = z
  .object({ id: z.string(), name: z.string(), title: z.string(), summary: z.string(), kind: z.string(), tags: z.array(z.string()), latestVersion: z.string().nullable(), rating: z.number().nullable(), ratingCount: z.number(), installs: z.number(), health: z.object({ healthy: z.number(), unhealthy: z.number() }), authorId: z.string().nullable(), authorName: z.string().nullable(), updatedAt: z.string() })
  .meta({ id: 'AppCard' });
const versionSummary = z.object({ version: z.string(), publishedAt: z.string(), bundleSha256: z.string(), bundleSize: z.number(), keyId: z.string(), changelog: z.string().nullable(), validation: z.object({ ok: z.boolean() }).passthrough(), scan: z.object({ verdict: z.string() }).passthrough() });
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

interface CardRow {
  id: string; name: string; title: string; summary: string; kind: string; tags: string[]; latest_version: string | null; rating_avg: number | null; rating_count: number;
  installs: number; healthy: number; unhealthy: number; author_id: string | null; author_name: string | null; updated_at: Date | string;
}
const toCard = (row: CardRow) => ({
  id: row.id, name: row.name, title: row.title, summary: row.summary, kind: row.kind, tags: row.tags, latestVersion: row.latest_version, rating: row.rating_avg, ratingCount: row.rating_count,
  installs: row.installs, health: { healthy: row.healthy, unhealthy: row.unhealthy }, authorId: row.author_id, authorName: row.author_name, updatedAt: iso(row.updated_at),
});

type VersionRow = Awaited<ReturnType<typeof findVersion>>;
const toVersionSummary = (row: VersionRow) => ({
  version: row.version,
  publishedAt: iso(row.published_at),
  bundleSha256: row.bundle_sha256,
  bundleSize: row.bundle_size,
  keyId: row.key_id,
  changelog: row.changelog,
  validation: row.validation_report as { ok: boolean },
  scan: row.scan_report as { verdict: string },
});

/** The organisation's catalog: search, app pages, versions, code preview, reports, downloads. */
export default async function catalogRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/templates', {
    schema: { tags: ['catalog'], summary: 'The app generators, their parameters and an example spec each', response: withErrors({ 200: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) }) },
    handler: async () => ({ items: listTemplates() as unknown as Record<string, unknown>[] }),
  });

  app.get('/apps', {
    schema: {
      tags: ['catalog'],
      summary: 'Search the catalog: words match as prefixes and, where pg_trgm is installed, small typos; ranked by relevance unless another sort is asked for',
      querystring: z.object({ q: optionalQuery(z.string().max(200)), kind: optionalQuery(z.enum(APP_KINDS)), tag: optionalQuery(z.string().max(40)), author: optionalQuery(z.uuid()), sort: z.enum(['newest', 'rating', 'installs', 'relevance']).optional(), ...pagination }).strict(),
      response: withErrors({ 200: z.object({ items: z.array(appCard), total: z.number() }) }),
    },
    handler: async (request) => {
      const { sort, ...query } = request.query;
      const { rows, total } = await searchApps(app.db, request.principal!.orgId, { ...query, sort: sort ?? (query.q ? 'relevance' : 'newest') });
      return { items: rows.map(toCard), total };
    },
  });

  app.get('/apps/:id', {
    schema: { tags: ['catalog'], summary: 'An app with its versions', params: idParams, response: withErrors({ 200: appCard.extend({ spec: z.record(z.string(), z.unknown()), createdAt: z.string(), versions: z.array(versionSummary) }) }, [404]) },
    handler: async (request) => {
      const row = await findAppWithFigures(app.db, request.principal!.orgId, request.params.id);
      if (!row) throw new NotFoundError('App', request.params.id);
      const versions = await listVersions(app.db, row.id);
      return { ...toCard(row), createdAt: iso(row.created_at), spec: row.spec as Record<string, unknown>, versions: versions.map(toVersionSummary) };
    },
  });

  app.get('/apps/:id/versions/:version', {
    schema: { tags: ['catalog'], summary: 'One version: manifest, validation and scan reports, signature', params: versionParams, response: withErrors({ 200: versionSummary.extend({ manifest: z.record(z.string(), z.unknown()), validationReport: z.record(z.string(), z.unknown()), scanReport: z.record(z.string(), z.unknown()), release: z.record(z.string(), z.unknown()) }) }, [404]) },
    handler: async (request) => {
      const row = await findVersion(app, request.principal!.orgId, request.params.id, request.params.version);
      return { ...toVersionSummary(row), manifest: row.manifest as Record<string, unknown>, validationReport: row.validation_report as Record<string, unknown>, scanReport: row.scan_report as Record<string, unknown>, release: JSON.parse(row.release_json) };
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
