import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors/app-error.js';
import { idParams, iso, withErrors } from '../../http/responses.js';

const reviewSchema = z.object({ id: z.string(), userId: z.string(), userName: z.string(), rating: z.number(), text: z.string(), createdAt: z.string(), updatedAt: z.string(), mine: z.boolean() }).meta({ id: 'Review' });

/** Reviews and ratings of catalog apps: one per user and app, editable by its author. */
export default async function reviewsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  async function findApp(orgId: string, id: string) {
    const row = await app.db.selectFrom('apps').select('id').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('App', id);
  }

  app.get('/apps/:id/reviews', {
    schema: { tags: ['catalog'], summary: 'Reviews of an app, newest first', params: idParams, response: withErrors({ 200: z.object({ items: z.array(reviewSchema), total: z.number() }) }, [404]) },
    handler: async (request) => {
      const principal = request.principal!;
      await findApp(principal.orgId, request.params.id);
      const rows = await app.db
        .selectFrom('reviews')
        .innerJoin('users', 'users.id', 'reviews.user_id')
        .select(['reviews.id', 'reviews.user_id', 'users.name', 'reviews.rating', 'reviews.text', 'reviews.created_at', 'reviews.updated_at'])
        .where('reviews.org_id', '=', principal.orgId)
        .where('reviews.app_id', '=', request.params.id)
        .orderBy('reviews.updated_at', 'desc')
        .limit(500)
        .execute();
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
      await findApp(principal.orgId, appId);
      const row = await app.db.transaction().execute(async (trx) => {
        const saved = await trx
          .insertInto('reviews')
          .values({ id: randomUUID(), org_id: principal.orgId, app_id: appId, user_id: principal.userId!, rating: request.body.rating, text: request.body.text })
          .onConflict((oc) => oc.columns(['app_id', 'user_id']).doUpdateSet({ rating: request.body.rating, text: request.body.text, updated_at: new Date() }))
          .returningAll()
          .executeTakeFirstOrThrow();
        const stats = await trx.selectFrom('reviews').select((eb) => [eb.fn.avg<string>('rating').as('avg'), eb.fn.countAll<string>().as('n')]).where('app_id', '=', appId).executeTakeFirstOrThrow();
        await trx.updateTable('apps').set({ rating_avg: Number(stats.avg), rating_count: Number(stats.n) }).where('id', '=', appId).execute();
        return saved;
      });
      const user = await app.db.selectFrom('users').select('name').where('id', '=', principal.userId!).executeTakeFirstOrThrow();
      request.auditInfo = { targetType: 'app', targetId: appId, details: { rating: row.rating } };
      return { id: row.id, userId: row.user_id, userName: user.name, rating: row.rating, text: row.text, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at), mine: true };
    },
  });
}
