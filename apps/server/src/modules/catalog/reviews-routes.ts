import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors/app-error.js';
import { idParams, iso, withErrors } from '../../http/responses.js';
import { findAppId, getUserName, listReviews, saveReviewWithEvent } from './reviews-repository.js';

const reviewSchema = z.object({ id: z.string(), userId: z.string(), userName: z.string(), rating: z.number(), text: z.string(), createdAt: z.string(), updatedAt: z.string(), mine: z.boolean() }).meta({ id: 'Review' });

/** Reviews and ratings of catalog apps: one per user and app, editable by its author. */
export default async function reviewsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  async function findApp(orgId: string, id: string) {
    const row = await findAppId(app.db, orgId, id);
    if (!row) throw new NotFoundError('App', id);
    return row;
  }

  app.get('/apps/:id/reviews', {
    schema: { tags: ['catalog'], summary: 'Reviews of an app, newest first', params: idParams, response: withErrors({ 200: z.object({ items: z.array(reviewSchema), total: z.number() }) }, [404]) },
    handler: async (request) => {
      const principal = request.principal!;
      await findApp(principal.orgId, request.params.id);
      const rows = await listReviews(app.db, principal.orgId, request.params.id);
      return {
        items: rows.map((row) => ({ id: row.id, userId: row.user_id, userName: row.name, rating: row.rating, text: row.text, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at), mine: row.user_id === principal.userId })),
        total: rows.length,
      };
    },
  });

  app.put('/apps/:id/reviews/mine', {
    config: { auth: { principals: ['user'] }, audit: 'review.put' },
    schema: {
      tags: ['catalog'],
      summary: 'Write or change my review of an app (one per user)',
      params: idParams,
      body: z.object({ rating: z.number().int().min(1).max(5), text: z.string().trim().max(4000).default('') }).strict(),
      response: withErrors({ 200: reviewSchema }, [404]),
    },
    handler: async (request) => {
      const principal = request.principal!;
      const appId = request.params.id;
      const reviewed = await findApp(principal.orgId, appId);
      const row = await saveReviewWithEvent(app.db, app.events, { orgId: principal.orgId, appId, appName: reviewed.name, userId: principal.userId!, rating: request.body.rating, text: request.body.text });
      const user = await getUserName(app.db, principal.userId!);
      request.auditInfo = { targetType: 'app', targetId: appId, details: { rating: row.rating } };
      return { id: row.id, userId: row.user_id, userName: user.name, rating: row.rating, text: row.text, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at), mine: true };
    },
  });
}
