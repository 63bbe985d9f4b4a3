import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/schema.js';
import type { EventBus, OrgEvent } from './event-bus.js';

/** An event as the outbox holds it, with when its change committed (at the latest). */
export interface OutboxEvent extends OrgEvent {
  id: string;
  createdAt: Date;
}

/**
 * Writes `event` to the outbox. Call it with the transaction of the change that causes the event:
 * the event then exists exactly when the change does (a rolled-back change leaves none).
 */
export async function recordEvent(trx: Db, event: OrgEvent): Promise<void> {
  await trx
    .insertInto('event_outbox')
    .values({ id: randomUUID(), org_id: event.orgId, type: event.type, data: JSON.stringify(event.data), audience: JSON.stringify(event.audience) })
    .execute();
}

/**
 * Another integration fed from the outbox (MQTT): `record` writes what it needs of the events in the
 * relay's transaction, the one that takes them from the outbox (so they are handed over exactly
 * once); `committed` is called after that transaction committed.
 */
export interface OutboxConsumer {
  record(trx: Db, events: readonly OutboxEvent[]): Promise<number>;
  committed(): void;
}

/** Records an event inside the transaction of `withEvents`; null or undefined records nothing. */
export type EmitEvent = (event: OrgEvent | null | undefined) => Promise<void>;

/**
 * Runs `work` in one transaction with the events it emits (written to the outbox inside it), then,
 * once committed, publishes them on the bus for live listeners (SSE, this process's webhook relay).
 * A change that throws commits nothing and publishes nothing.
 */
export async function withEvents<T>(db: Db, bus: EventBus, work: (trx: Db, emit: EmitEvent) => Promise<T>): Promise<T> {
  if (db.isTransaction) throw new Error('withEvents opens its own transaction: call recordEvent inside an outer one');
  const emitted: OrgEvent[] = [];
  const result = await db.transaction().execute((trx) =>
    work(trx, async (event) => {
      if (!event) return;
      await recordEvent(trx, event);
      emitted.push(event);
    }),
  );
  for (const event of emitted) bus.publish(event);
  return result;
}

/**
 * The oldest outbox events no other relay holds, locked until `trx` ends (FOR UPDATE SKIP LOCKED:
 * relays in several processes each take different rows).
 */
export async function claimOutboxEvents(trx: Db, limit: number): Promise<OutboxEvent[]> {
  const rows = await trx.selectFrom('event_outbox').selectAll().orderBy('created_at').orderBy('id').limit(limit).forUpdate().skipLocked().execute();
  return rows.map((row) => ({ id: row.id, orgId: row.org_id, type: row.type, data: row.data, audience: row.audience, createdAt: new Date(row.created_at) }));
}

/** Removes relayed events (in the relay's transaction, with what it wrote for them). */
export async function deleteOutboxEvents(trx: Db, ids: string[]): Promise<void> {
  if (ids.length) await trx.deleteFrom('event_outbox').where('id', 'in', ids).execute();
}

/** How many events wait in the outbox (tests, metrics). */
export async function outboxSize(db: Db): Promise<number> {
  const row = await db.selectFrom('event_outbox').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}
