import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/schema.js';
import type { EventBus } from '../events/event-bus.js';
import { withEvents } from '../events/events-repository.js';

/** Whether the organisation has this app. */
export function findAppId(db: Db, orgId: string, id: string) {
  return db.selectFrom('apps').select(['id', 'name']).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** Reviews of an app with their authors' names, newest first. */
export function listReviews(db: Db, orgId: string, appId: string) {
  return db
    .selectFrom('reviews')
    .innerJoin('users', 'users.id', 'reviews.user_id')
    .select(['reviews.id', 'reviews.user_id', 'users.name', 'reviews.rating', 'reviews.text', 'reviews.created_at', 'reviews.updated_at'])
    .where('reviews.org_id', '=', orgId)
    .where('reviews.app_id', '=', appId)
    .orderBy('reviews.updated_at', 'desc')
    .limit(500)
    .execute();
}

/** Writes or replaces the user's review of the app; a trigger (migration 1240) updates the app's rating in the same statement. */
export function saveReview(db: Db, review: { orgId: string; appId: string; userId: string; rating: number; text: string }) {
  const { orgId, appId, userId, rating, text } = review;
  return db
    .insertInto('reviews')
    .values({ id: randomUUID(), org_id: orgId, app_id: appId, user_id: userId, rating, text })
    .onConflict((oc) => oc.columns(['app_id', 'user_id']).doUpdateSet({ rating, text, updated_at: new Date() }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Saves the review and, in the same transaction, its event `review` (the outbox): integrations hear
 * of every review that exists. The review's text stays out of the event: integrations (webhooks,
 * MQTT) hear of it, not what it says.
 */
export function saveReviewWithEvent(db: Db, events: EventBus, review: { orgId: string; appId: string; appName: string; userId: string; rating: number; text: string }) {
  return withEvents(db, events, async (trx, emit) => {
    const row = await saveReview(trx, review);
    const created = new Date(row.created_at).getTime() === new Date(row.updated_at).getTime();
    await emit({ orgId: review.orgId, type: 'review', data: { appId: review.appId, app: review.appName, rating: row.rating, created }, audience: { roles: ['admin', 'publisher'] } });
    return row;
  });
}

export function getUserName(db: Db, userId: string) {
  return db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirstOrThrow();
}
