import type { Logger } from 'pino';
import { periodicSweep, type PeriodicSweep } from '../../db/periodic-sweep.js';
import { claimOutboxEvents, deleteOutboxEvents, type OutboxConsumer } from '../events/events-repository.js';
import { WEBHOOK_JOB, type WebhookDeps } from './webhook-delivery.js';
import { toWebhookEvent } from './webhook-events.js';
import { enabledSubscriptions, messageIdOfEvent, recordMessages, type NewMessage } from './webhooks-repository.js';

/** The most outbox events one relay transaction takes (more wait for the next round of the same run). */
export const RELAY_BATCH = 200;
/** The most deliveries one job carries (its data schema allows 1000). */
const MAX_JOB_DELIVERIES = 500;
/**
 * How often processes that run jobs relay what is left in the outbox (and once at start): events
 * whose own process died between the commit and its relay. The live path relays within milliseconds.
 */
export const OUTBOX_SWEEP_MS = 15_000;

export interface RelayResult {
  events: number;
  deliveries: number;
}

/**
 * Turns outbox events into webhook messages and deliveries, and deletes them, in one transaction per
 * batch: an event is relayed exactly once, whichever process (or how many at once) runs this. The
 * message's webhook-id is derived from the event's id and its timestamp is the event's. Then queues
 * the first attempts (a lost queueing is healed by the webhook sweep, decision 0029 window B).
 * The other outbox consumers (MQTT, decision 0050) write their own rows in the same transaction.
 */
export async function relayOutbox(deps: Pick<WebhookDeps, 'db' | 'config' | 'queue' | 'logger' | 'outboxConsumers'>): Promise<RelayResult> {
  const total: RelayResult = { events: 0, deliveries: 0 };
  const consumers: readonly OutboxConsumer[] = deps.outboxConsumers ?? [];
  for (;;) {
    const { events, deliveryIds } = await deps.db.transaction().execute(async (trx) => {
      const claimed = await claimOutboxEvents(trx, RELAY_BATCH);
      if (claimed.length === 0) return { events: 0, deliveryIds: [] as string[] };
      const mapped = claimed.flatMap((event) => {
        const webhook = toWebhookEvent(event, deps.config.publicUrl);
        return webhook ? [{ event, webhook }] : [];
      });
      const subscriptions = await enabledSubscriptions(trx, [...new Set(mapped.map(({ event }) => event.orgId))]);
      const messages: NewMessage[] = mapped
        .map(({ event, webhook }) => ({
          orgId: event.orgId,
          messageId: messageIdOfEvent(event.id),
          payload: { type: webhook.type, timestamp: event.createdAt.toISOString(), data: webhook.data },
          subscriptionIds: subscriptions.filter((s) => s.org_id === event.orgId && s.events.includes(webhook.type)).map((s) => s.id),
        }))
        .filter((message) => message.subscriptionIds.length > 0);
      const recorded = await recordMessages(trx, messages);
      for (const consumer of consumers) await consumer.record(trx, claimed);
      await deleteOutboxEvents(
        trx,
        claimed.map((event) => event.id),
      );
      return { events: claimed.length, deliveryIds: recorded.flatMap((message) => message.deliveryIds) };
    });
    total.events += events;
    total.deliveries += deliveryIds.length;
    if (events) for (const consumer of consumers) consumer.committed();
    await queueFirstAttempts(deps, deliveryIds);
    if (events < RELAY_BATCH) return total;
  }
}

async function queueFirstAttempts(deps: Pick<WebhookDeps, 'queue' | 'logger'>, deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  if (!deps.queue) {
    deps.logger.warn({ component: 'webhooks', deliveries: deliveryIds.length }, 'webhook deliveries recorded but not sent: this process has no job queue');
    return;
  }
  for (let start = 0; start < deliveryIds.length; start += MAX_JOB_DELIVERIES) {
    await deps.queue.send(WEBHOOK_JOB, { deliveries: deliveryIds.slice(start, start + MAX_JOB_DELIVERIES).map((id) => ({ id, attempt: 1 })) });
  }
}

/** Relays what is left in the outbox at start and every OUTBOX_SWEEP_MS (roles all and worker). */
export function outboxRelaySweep(relayPending: () => Promise<RelayResult>, logger: Logger): PeriodicSweep {
  return periodicSweep(
    OUTBOX_SWEEP_MS,
    async () => {
      const result = await relayPending();
      if (result.events) logger.info({ component: 'webhook-relay', ...result }, 'outbox events relayed by the sweep');
    },
    (error) => logger.warn({ err: error, component: 'webhook-relay' }, 'relaying the event outbox failed; the sweep tries again'),
  );
}
