import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Db } from '../../db/schema.js';
import type { OrgEvent } from '../events/event-bus.js';
import { toWebhookEvent } from '../webhooks/webhook-events.js';
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

export interface MqttPublisher {
  onEvent(event: OrgEvent): void;
  /** Resolves once the events heard so far were handed to the client (sent, or queued while offline). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishes the integration events (the webhook event types, same `{type, timestamp, data}` body:
 * ids, names, versions, states and a link; no secrets, no mail or review text) to MQTT_URL with
 * QoS 1 and no retain flag, at `<MQTT_TOPIC_PREFIX>/<org slug>/<collection>/<id>/<action>`
 * (docs/integrations.md). While the broker is away the client reconnects every 5 s and keeps what
 * was published in its outgoing store; a publish that fails is logged, never thrown.
 */
export function createMqttPublisher(options: { url: string; topicPrefix: string; db: Db; publicUrl: string; logger: Logger }): MqttPublisher {
  const logger = options.logger.child({ component: 'mqtt' });
  // The MQTT library loads here, not with the server: only a server with MQTT_URL set pays for it, after start-up.
  const connected: Promise<MqttClient> = import('mqtt').then(({ default: mqtt }) => {
    const client = mqtt.connect(options.url, { reconnectPeriod: 5000, connectTimeout: 10_000, clientId: `marketplace-${process.pid}-${Math.random().toString(16).slice(2, 10)}` });
    let warned = false;
    client.on('error', (error) => {
      if (!warned) logger.warn({ err: { message: error.message, code: (error as { code?: unknown }).code } }, 'MQTT broker unavailable; events are kept and sent when it is back');
      warned = true;
    });
    client.on('connect', () => {
      if (warned) logger.info('MQTT broker connected again');
      warned = false;
    });
    return client;
  });
  const slugs = new Map<string, string>();
  const pending = new Set<Promise<void>>();

  async function slugOf(orgId: string): Promise<string> {
    const known = slugs.get(orgId);
    if (known) return known;
    const row = await options.db.selectFrom('organizations').select('slug').where('id', '=', orgId).executeTakeFirst();
    const slug = level(row?.slug ?? orgId);
    slugs.set(orgId, slug);
    return slug;
  }

  async function publish(event: OrgEvent): Promise<void> {
    const mapped = toWebhookEvent(event, options.publicUrl);
    if (!mapped) return;
    const route = TOPICS[mapped.type];
    const topic = `${options.topicPrefix}/${await slugOf(event.orgId)}/${route.collection}/${level(mapped.data[route.idField])}/${route.action}`;
    const body = JSON.stringify({ type: mapped.type, timestamp: new Date().toISOString(), data: mapped.data });
    await (await connected).publishAsync(topic, body, { qos: 1, retain: false });
  }

  return {
    onEvent(event) {
      const run = publish(event).catch((error: Error) => logger.warn({ err: { message: error.message }, orgId: event.orgId }, 'an event could not be published to MQTT'));
      pending.add(run);
      void run.finally(() => pending.delete(run));
    },
    async idle() {
      while (pending.size) await Promise.all([...pending]);
    },
    async close() {
      const client = await connected;
      // A graceful end waits for unacknowledged messages; with the broker away that would be forever.
      const ended = await Promise.race([client.endAsync(false).then(() => true, () => true), new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref())]);
      if (!ended) await client.endAsync(true).catch(() => undefined);
    },
  };
}
