import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, NotFoundError } from '../../errors/app-error.js';
import { idParams, iso, isoOrNull, withErrors } from '../../http/responses.js';
import { catalogFeed } from './catalog-feed.js';
import { createFeedToken, feedTokenOwner, listFeedTokens, revokeFeedToken } from './feeds-repository.js';

const TAGS = ['feeds'];
const USERS = { principals: ['user' as const] };
const tokenSchema = z.object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() });
const feedQuery = z.object({ token: z.string().regex(/^mpf_[A-Za-z0-9_-]{43}$/, { message: 'expected a feed token (mpf_…) from your account page' }) }).strict();
const FORMATS = { atom: { type: 'application/atom+xml; charset=utf-8', format: 'atom' }, json: { type: 'application/feed+json; charset=utf-8', format: 'json' } } as const;

const view = (row: { id: string; name: string; prefix: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }) => ({
  id: row.id, name: row.name, prefix: row.prefix, createdAt: iso(row.created_at), lastUsedAt: isoOrNull(row.last_used_at), revokedAt: isoOrNull(row.revoked_at),
});

/**
 * The catalog as Atom and JSON Feed, read with a feed token in the query (feed readers send no
 * headers). A feed token opens these two routes only: the sign-in plugin knows no `mpf_` credential.
 */
export default async function feedsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/feed-tokens', {
    config: { auth: USERS },
    schema: { tags: TAGS, summary: 'My feed tokens', response: withErrors({ 200: z.object({ items: z.array(tokenSchema) }) }) },
    handler: async (request) => ({ items: (await listFeedTokens(app.db, request.principal!.orgId, request.principal!.userId!)).map(view) }),
  });

  app.post('/feed-tokens', {
    config: { auth: USERS, audit: 'feed-token.create' },
    schema: {
      tags: TAGS,
      summary: 'A token for my feed reader; it reads the catalog feeds and nothing else (shown once)',
      body: z.object({ name: z.string().trim().min(1).max(120).default('Feed reader') }).strict(),
      response: withErrors({ 201: tokenSchema.extend({ token: z.string(), atomUrl: z.string(), jsonUrl: z.string() }) }),
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      const { row, token } = await createFeedToken(app.db, { orgId: principal.orgId, userId: principal.userId!, name: request.body.name });
      request.auditInfo = { targetType: 'feed_token', targetId: row.id };
      const base = `${app.config.publicUrl}/api/v1/feeds/catalog`;
      return reply.code(201).send({ ...view(row), token, atomUrl: `${base}.atom?token=${token}`, jsonUrl: `${base}.json?token=${token}` });
    },
  });

  app.delete('/feed-tokens/:id', {
    config: { auth: USERS, audit: 'feed-token.revoke' },
    schema: { tags: TAGS, summary: 'Revoke one of my feed tokens', params: idParams, response: withErrors({ 204: z.null() }, [404]) },
    handler: async (request, reply) => {
      const principal = request.principal!;
      request.auditInfo = { targetType: 'feed_token', targetId: request.params.id };
      if (!(await revokeFeedToken(app.db, principal.orgId, principal.userId!, request.params.id))) throw new NotFoundError('Feed token', request.params.id);
      return reply.code(204).send(null);
    },
  });

  for (const [extension, { type, format }] of Object.entries(FORMATS)) {
    app.get(`/feeds/catalog.${extension}`, {
      config: { auth: false, audit: false },
      schema: { tags: TAGS, summary: `The catalog as ${format === 'atom' ? 'Atom 1.0' : 'JSON Feed 1.1'} (query token: a feed token)`, security: [], querystring: feedQuery, response: withErrors({ 200: z.string() }, [401]) },
      handler: async (request, reply) => {
        const owner = await feedTokenOwner(app.db, request.query.token);
        if (!owner) throw new AppError('FEED_TOKEN_INVALID', 401, 'This feed token is unknown or revoked; make a new one on your account page and give your feed reader its link.');
        const body = await catalogFeed(app.db, owner, app.config.publicUrl, format);
        // The URL carries the token: no caching by shared caches, no Referer to the apps' links.
        return reply.header('content-type', type).header('cache-control', 'private, max-age=300').header('referrer-policy', 'no-referrer').send(body);
      },
    });
  }
}
