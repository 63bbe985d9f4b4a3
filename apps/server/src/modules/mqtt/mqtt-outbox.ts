import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { OutboxEvent } from '../events/events-repository.js';
import { toWebhookEvent } from '../webhooks/webhook-events.js';
import { messageIdOfEvent } from '../webhooks/webhooks-repository.js';
import type { WebhookEventType } from '../webhooks/webhooks-tables.js';

/** Where each event goes below `<prefix>/<organisation slug>/`: the collection, the object's id, what happened. */
const TOPICS: Record<WebhookEventType, { collection: string; idField: string; action: string }> = {
  'request.published': { collection: 'requests', idField: 'id', action: 'published' },
  'request.failed': { collection: 'requests', idField: 'id', action: 'failed' },
  'approval.needed': { collection: 'approvals', idField: 'id', action: 'needed' },
  'deployment.healthy': { collection: 'deployments', idField: 'id', action: 'healthy' },
  'deployment.unhealthy': { collection: 'deployments', idField: 'id', action: 'unhealthy' },
  'deployment.rolled_back': { collection: 'deployments', idField: 'id', action: 'rolled_back' },
  'review.added': { collection: 'apps', idField: 'appId', action: 'reviews/added' },
};

/** A topic level holds only letters, digits, '.', '_' and '-' (never the MQTT wildcards, separators or control characters). */
const level = (value: unknown) => String(value ?? 'unknown').replace(/[^A-Za-z0-9._-]/g, '_');

export interface MqttMessage {
  eventId: string;
  topic: string;
  payload: string;
}

/**
 * Writes the MQTT message of each integration event (the webhook event types) in `trx`, the event
 * relay's transaction: `{id, type, timestamp, data}` at `<prefix>/<org slug>/<collection>/<id>/<action>`,
 * where `id` is the event's `msg_…` id (the webhook-id of the same event), for de-duplication.
 * Returns how many were written.
 */
export async function recordMqttMessages(trx: Db, events: readonly OutboxEvent[], options: { topicPrefix: string; publicUrl: string }): Promise<number> {
  const mapped = events.flatMap((event) => {
    const webhook = toWebhookEvent(event, options.publicUrl);
    return webhook ? [{ event, webhook }] : [];
  });
  if (mapped.length === 0) return 0;
  const orgIds = [...new Set(mapped.map(({ event }) => event.orgId))];
  const slugs = new Map((await trx.selectFrom('organizations').select(['id', 'slug']).where('id', 'in', orgIds).execute()).map((row) => [row.id, row.slug]));
  const rows = mapped.map(({ event, webhook }) => {
    const route = TOPICS[webhook.type];
    const topic = `${options.topicPrefix}/${level(slugs.get(event.orgId) ?? event.orgId)}/${route.collection}/${level(webhook.data[route.idField])}/${route.action}`;
    const payload = JSON.stringify({ id: messageIdOfEvent(event.id), type: webhook.type, timestamp: event.createdAt.toISOString(), data: webhook.data });
    return { event_id: event.id, org_id: event.orgId, topic, payload };
  });
  await trx.insertInto('mqtt_outbox').values(rows).onConflict((oc) => oc.column('event_id').doNothing()).execute();
  return rows.length;
}

/**
 * The oldest messages no publisher holds, now held by the caller for `leaseMs` (a publisher that
 * died lets them go when that passes). Several processes each take different rows.
 */
export async function claimMqttMessages(db: Db, limit: number, leaseMs: number, skip: ReadonlySet<string>): Promise<MqttMessage[]> {
  const free = db
    .selectFrom('mqtt_outbox')
    .select('event_id')
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', sql<Date>`now()`)]))
    .$if(skip.size > 0, (query) => query.where('event_id', 'not in', [...skip]))
    .orderBy('created_at')
    .orderBy('event_id')
    .limit(limit)
    .forUpdate()
    .skipLocked();
  const rows = await db
    .updateTable('mqtt_outbox')
    .set({ claimed_until: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval` })
    .where('event_id', 'in', free)
    .returning(['event_id', 'topic', 'payload', 'created_at'])
    .execute();
  return rows
    .sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime() || a.event_id.localeCompare(b.event_id))
    .map((row) => ({ eventId: row.event_id, topic: row.topic, payload: row.payload }));
}

/** Removes messages the broker acknowledged. */
export async function deleteMqttMessages(db: Db, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length) await db.deleteFrom('mqtt_outbox').where('event_id', 'in', [...eventIds]).execute();
}

/** Lets messages go that this publisher could not hand over (another round or process takes them). */
export async function releaseMqttMessages(db: Db, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length) await db.updateTable('mqtt_outbox').set({ claimed_until: null }).where('event_id', 'in', [...eventIds]).execute();
}

/** How many messages wait (tests, metrics). */
export async function mqttOutboxSize(db: Db): Promise<number> {
  const row = await db.selectFrom('mqtt_outbox').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}
