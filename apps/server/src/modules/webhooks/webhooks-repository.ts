import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { inTransaction } from '../../db/in-transaction.js';
import type { Db } from '../../db/schema.js';
import type { WebhookPayload } from './webhook-formats.js';
import type { WebhookDeliveriesTable, WebhookEventType, WebhookFormat, WebhookSubscriptionsTable } from './webhooks-tables.js';

export type SubscriptionRow = Selectable<WebhookSubscriptionsTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable> & { type: string };

export interface NewSubscription {
  id: string;
  orgId: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  format: WebhookFormat;
  secretSealed: string;
  enabled: boolean;
  createdBy: string | null;
}

export async function insertSubscription(db: Db, input: NewSubscription): Promise<SubscriptionRow> {
  const { id, orgId, url, description, events, format, secretSealed, enabled, createdBy } = input;
  const values = { id, org_id: orgId, url, description, events: JSON.stringify(events), format, secret_sealed: secretSealed, enabled, created_by: createdBy };
  return (await db.insertInto('webhook_subscriptions').values(values).returningAll().executeTakeFirstOrThrow()) as SubscriptionRow;
}

export async function listSubscriptions(db: Db, orgId: string): Promise<SubscriptionRow[]> {
  return (await db.selectFrom('webhook_subscriptions').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'asc').execute()) as SubscriptionRow[];
}

export async function findSubscription(db: Db, orgId: string, id: string): Promise<SubscriptionRow | undefined> {
  return (await db.selectFrom('webhook_subscriptions').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()) as SubscriptionRow | undefined;
}

export interface SubscriptionChange {
  url?: string;
  description?: string;
  events?: WebhookEventType[];
  format?: WebhookFormat;
  enabled?: boolean;
}

/** Saves an admin's change; enabling (again) clears the failure count and the automatic reason. */
export async function updateSubscription(db: Db, orgId: string, id: string, change: SubscriptionChange): Promise<SubscriptionRow | undefined> {
  const values: Record<string, unknown> = { updated_at: new Date() };
  if (change.url !== undefined) values.url = change.url;
  if (change.description !== undefined) values.description = change.description;
  if (change.events !== undefined) values.events = JSON.stringify(change.events);
  if (change.format !== undefined) values.format = change.format;
  if (change.enabled !== undefined) {
    values.enabled = change.enabled;
    values.disabled_at = change.enabled ? null : new Date();
    values.disabled_reason = null;
    if (change.enabled) Object.assign(values, { consecutive_failures: 0, failing_since: null });
  }
  return (await db.updateTable('webhook_subscriptions').set(values).where('org_id', '=', orgId).where('id', '=', id).returningAll().executeTakeFirst()) as SubscriptionRow | undefined;
}

/**
 * Puts a new sealed secret in place; the one it replaces keeps signing until `previousUntil`
 * (null: dropped at once). A rotation during an overlap drops the secret before the current one.
 */
export async function rotateSecret(db: Db, orgId: string, id: string, secretSealed: string, previousUntil: Date | null): Promise<SubscriptionRow | undefined> {
  return (await db
    .updateTable('webhook_subscriptions')
    .set((eb) => ({
      previous_secret_sealed: previousUntil ? eb.ref('secret_sealed') : null,
      previous_secret_until: previousUntil,
      secret_sealed: secretSealed,
      secret_rotated_at: new Date(),
      updated_at: new Date(),
    }))
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()) as SubscriptionRow | undefined;
}

export async function deleteSubscription(db: Db, orgId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhook_subscriptions').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The enabled subscriptions of these organisations, with the event types each chose. */
export async function enabledSubscriptions(db: Db, orgIds: string[]): Promise<{ id: string; org_id: string; events: WebhookEventType[] }[]> {
  if (orgIds.length === 0) return [];
  return db.selectFrom('webhook_subscriptions').select(['id', 'org_id', 'events']).where('org_id', 'in', orgIds).where('enabled', '=', true).execute();
}

export interface NewMessage {
  orgId: string;
  payload: WebhookPayload;
  subscriptionIds: string[];
  /** The webhook-id; a new one when omitted. The outbox relay derives it from the event's id, so one event is one message. */
  messageId?: string;
}

/** The webhook-id of the message an outbox event becomes: `msg_` and the event's uuid without dashes. */
export const messageIdOfEvent = (eventId: string) => `msg_${eventId.replace(/-/g, '')}`;

/**
 * Stores messages and one pending delivery of each per subscription, all in one transaction (the
 * caller's, when `db` is one); returns the delivery ids in order.
 */
export async function recordMessages(db: Db, messages: NewMessage[]): Promise<{ messageId: string; deliveryIds: string[] }[]> {
  const recorded = messages.map((message) => ({ ...message, messageId: message.messageId ?? messageIdOfEvent(randomUUID()), deliveryIds: message.subscriptionIds.map(() => randomUUID()) }));
  if (recorded.length === 0) return [];
  await inTransaction(db, async (trx) => {
    await trx.insertInto('webhook_messages').values(recorded.map((m) => ({ id: m.messageId, org_id: m.orgId, type: m.payload.type, payload: JSON.stringify(m.payload) }))).execute();
    const deliveries = recorded.flatMap((m) => m.deliveryIds.map((id, index) => ({ id, org_id: m.orgId, subscription_id: m.subscriptionIds[index]!, message_id: m.messageId, state: 'pending' as const })));
    if (deliveries.length) await trx.insertInto('webhook_deliveries').values(deliveries).execute();
  });
  return recorded.map(({ messageId, deliveryIds }) => ({ messageId, deliveryIds }));
}

export async function recordMessage(db: Db, orgId: string, payload: WebhookPayload, subscriptionIds: string[]): Promise<{ messageId: string; deliveryIds: string[] }> {
  return (await recordMessages(db, [{ orgId, payload, subscriptionIds }]))[0]!;
}

/** A new pending delivery of a delivery's message to the same subscription (a replay: same webhook-id). */
export async function insertReplay(db: Db, orgId: string, deliveryId: string): Promise<string | undefined> {
  const original = await db.selectFrom('webhook_deliveries').select(['subscription_id', 'message_id']).where('org_id', '=', orgId).where('id', '=', deliveryId).executeTakeFirst();
  if (!original) return undefined;
  const id = randomUUID();
  await db.insertInto('webhook_deliveries').values({ id, org_id: orgId, subscription_id: original.subscription_id, message_id: original.message_id, state: 'pending', replay_of: deliveryId }).execute();
  return id;
}

/** What a delivery attempt needs: the delivery, its subscription and its message. */
export async function deliveriesToAttempt(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .innerJoin('webhook_messages as m', 'm.id', 'd.message_id')
    .select(['d.id', 'd.org_id', 'd.state', 'd.attempts', 'd.message_id', 'd.subscription_id', 's.url', 's.format', 's.secret_sealed', 's.previous_secret_sealed', 's.previous_secret_until', 's.enabled', 'm.payload'])
    .where('d.id', 'in', ids)
    .execute();
}

export interface AttemptRecord {
  deliveryId: string;
  orgId: string;
  attempt: number;
  state: 'pending' | 'succeeded' | 'failed';
  nextAttemptAt: Date | null;
  status: number | null;
  durationMs: number;
  error: string | null;
  excerpt: string | null;
}

/** Appends the attempts to the log and moves each delivery to its new state (one statement each, whatever the count). */
export async function recordAttempts(db: Db, records: AttemptRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db
    .insertInto('webhook_attempts')
    .values(records.map((r) => ({ id: randomUUID(), org_id: r.orgId, delivery_id: r.deliveryId, attempt: r.attempt, status: r.status, duration_ms: r.durationMs, error: r.error, response_excerpt: r.excerpt })))
    .execute();
  const rows = records.map(
    (r) => sql`(${r.deliveryId}::uuid, ${r.state}::text, ${r.attempt}::int, ${r.nextAttemptAt ? r.nextAttemptAt.toISOString() : null}::timestamptz, ${r.status}::int, ${r.durationMs}::int, ${r.error}::text, ${r.excerpt}::text)`,
  );
  await sql`
    UPDATE webhook_deliveries AS d SET state = v.state, attempts = v.attempt, next_attempt_at = v.next_at, last_status = v.status,
      last_duration_ms = v.duration, last_error = v.error, response_excerpt = v.excerpt, updated_at = now()
    FROM (VALUES ${sql.join(rows)}) AS v(id, state, attempt, next_at, status, duration, error, excerpt)
    WHERE d.id = v.id`.execute(db);
}

/** A success clears a subscription's failure streak. */
export async function clearFailures(db: Db, subscriptionIds: string[]): Promise<void> {
  if (subscriptionIds.length === 0) return;
  await db.updateTable('webhook_subscriptions').set({ consecutive_failures: 0, failing_since: null }).where('id', 'in', subscriptionIds).where('consecutive_failures', '>', 0).execute();
}

/** Counts failed attempts of a subscription; returns the streak as it now stands. */
export async function addFailures(db: Db, subscriptionId: string, count: number) {
  return db
    .updateTable('webhook_subscriptions')
    .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', count), failing_since: sql`coalesce(failing_since, now())` }))
    .where('id', '=', subscriptionId)
    .returning(['id', 'org_id', 'url', 'enabled', 'consecutive_failures', 'failing_since'])
    .executeTakeFirst();
}

/** Disables a subscription automatically; false when it already was. */
export async function disableSubscription(db: Db, subscriptionId: string, reason: string): Promise<boolean> {
  const result = await db.updateTable('webhook_subscriptions').set({ enabled: false, disabled_reason: reason, disabled_at: new Date(), updated_at: new Date() }).where('id', '=', subscriptionId).where('enabled', '=', true).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function listDeliveries(db: Db, orgId: string, subscriptionId: string, limit: number): Promise<DeliveryRow[]> {
  return (await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_messages as m', 'm.id', 'd.message_id')
    .selectAll('d')
    .select('m.type')
    .where('d.org_id', '=', orgId)
    .where('d.subscription_id', '=', subscriptionId)
    .orderBy('d.created_at', 'desc')
    .limit(limit)
    .execute()) as DeliveryRow[];
}

export async function findDelivery(db: Db, orgId: string, id: string): Promise<DeliveryRow | undefined> {
  return (await db.selectFrom('webhook_deliveries as d').innerJoin('webhook_messages as m', 'm.id', 'd.message_id').selectAll('d').select('m.type').where('d.org_id', '=', orgId).where('d.id', '=', id).executeTakeFirst()) as DeliveryRow | undefined;
}

export async function attemptsOf(db: Db, orgId: string, deliveryId: string) {
  return db.selectFrom('webhook_attempts').select(['attempt', 'status', 'duration_ms', 'error', 'response_excerpt', 'created_at']).where('org_id', '=', orgId).where('delivery_id', '=', deliveryId).orderBy('attempt', 'asc').execute();
}

/** The most rows one statement of the retention sweep deletes (short transactions, whatever the backlog). */
const SWEEP_BATCH = 5000;

/**
 * Deletes deliveries created before `cutoff` (their attempts go with them) — finished ones, and
 * pending ones nothing touched since the cutoff — then the messages no delivery names any more.
 * Returns how many of each went.
 */
export async function deleteOldDeliveries(db: Db, cutoff: Date): Promise<{ deliveries: number; messages: number }> {
  let deliveries = 0;
  for (;;) {
    const old = db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('created_at', '<', cutoff)
      .where((eb) => eb.or([eb('state', '<>', 'pending'), eb('updated_at', '<', cutoff)]))
      .limit(SWEEP_BATCH);
    const result = await db.deleteFrom('webhook_deliveries').where('id', 'in', old).executeTakeFirst();
    deliveries += Number(result.numDeletedRows);
    if (Number(result.numDeletedRows) < SWEEP_BATCH) break;
  }
  let messages = 0;
  for (;;) {
    const orphans = db
      .selectFrom('webhook_messages as m')
      .select('m.id')
      .where('m.created_at', '<', cutoff)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.message_id', '=', 'm.id'))))
      .limit(SWEEP_BATCH);
    const result = await db.deleteFrom('webhook_messages').where('id', 'in', orphans).executeTakeFirst();
    messages += Number(result.numDeletedRows);
    if (Number(result.numDeletedRows) < SWEEP_BATCH) break;
  }
  return { deliveries, messages };
}

/**
 * Claims up to `limit` deliveries recorded before `before` and never attempted, that no sweep queued
 * again since `before` either (their job was lost: a crash between recording and queueing, or a job
 * that failed for good). Marks them with `next_attempt_at` = now, so no other sweep takes them until
 * that is older than `before` in turn. Returns their ids.
 */
export async function claimUnsentDeliveries(db: Db, before: Date, limit: number): Promise<string[]> {
  const unsent = db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('state', '=', 'pending')
    .where('attempts', '=', 0)
    .where('created_at', '<', before)
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<', before)]))
    .limit(limit);
  const rows = await db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: new Date(), updated_at: new Date() })
    .where('id', 'in', unsent)
    .where('attempts', '=', 0)
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<', before)]))
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Gives claimed deliveries back (their job could not be queued), so the next sweep tries again. */
export async function releaseUnsentDeliveries(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('webhook_deliveries').set({ next_attempt_at: null }).where('id', 'in', ids).where('attempts', '=', 0).execute();
}

/** Forgets the old secrets whose rotation overlap has ended; returns how many. */
export async function dropExpiredSecrets(db: Db, now = new Date()): Promise<number> {
  const result = await db
    .updateTable('webhook_subscriptions')
    .set({ previous_secret_sealed: null, previous_secret_until: null })
    .where('previous_secret_until', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function adminsOf(db: Db, orgId: string): Promise<string[]> {
  const users = await db.selectFrom('users').select(['email', 'roles']).where('org_id', '=', orgId).where('status', '=', 'active').execute();
  return users.filter((user) => user.roles.includes('admin')).map((user) => user.email);
}
