import { randomUUID } from 'node:crypto';
import type { OrgEvent } from '../events/event-bus.js';
import { NotFoundError } from '../../errors/app-error.js';
import { attemptDeliveries, WEBHOOK_JOB, type DeliveryOutcome, type WebhookDeps } from './webhook-delivery.js';
import { toWebhookEvent } from './webhook-events.js';
import { secretContext, webhookSecretBox } from './webhook-secrets.js';
import { newWebhookSecret } from './webhook-signature.js';
import { checkWebhookUrl } from './webhook-target.js';
import { enabledSubscriptions, findSubscription, insertReplay, insertSubscription, recordMessage, rotateSecret, recordMessages, updateSubscription, type NewMessage, type SubscriptionChange, type SubscriptionRow } from './webhooks-repository.js';
import type { WebhookEventType, WebhookFormat } from './webhooks-tables.js';

/** How long the first event of a burst waits for others, and the most events recorded at once. */
const BATCH_MS = 10;
const MAX_BATCH = 200;
/** The most deliveries one job carries (its data schema allows 1000). */
const MAX_JOB_DELIVERIES = 500;

export interface SubscriptionInput {
  url: string;
  description: string;
  events: WebhookEventType[];
  format: WebhookFormat;
  enabled: boolean;
}

export interface WebhooksService {
  /** Hears every organisation event published in this process; queues deliveries for the subscribers of its webhook event. */
  onEvent(event: OrgEvent): void;
  /** Resolves once the events heard so far are recorded and queued. */
  idle(): Promise<void>;
  create(orgId: string, userId: string | null, input: SubscriptionInput): Promise<{ subscription: SubscriptionRow; secret: string }>;
  update(orgId: string, id: string, change: SubscriptionChange): Promise<SubscriptionRow>;
  /**
   * A new signing secret (returned, shown once); the old one also signs every delivery for
   * WEBHOOK_SECRET_OVERLAP_HOURS, so receivers can switch over without rejecting a message.
   */
  rotateSecret(orgId: string, id: string): Promise<{ subscription: SubscriptionRow; secret: string }>;
  /** Sends a `webhook.test` message to one subscription now (its retries go through the queue). */
  testSend(orgId: string, id: string): Promise<DeliveryOutcome & { messageId: string }>;
  /** Sends a delivery's message again (same webhook-id) as a new delivery; returns its id. */
  replay(orgId: string, deliveryId: string): Promise<string>;
}

export function createWebhooksService(deps: WebhookDeps): WebhooksService {
  const { db, config, logger } = deps;
  const box = webhookSecretBox(config);
  const pending = new Set<Promise<void>>();

  /**
   * Events heard within BATCH_MS are recorded together: one subscriptions query, one transaction and
   * one job for the lot, so a burst costs the database a few statements rather than a few per event.
   */
  let batch: { orgId: string; type: WebhookEventType; data: Record<string, unknown>; timestamp: string }[] = [];
  let timer: NodeJS.Timeout | undefined;

  async function flush(events: typeof batch): Promise<void> {
    const subscriptions = await enabledSubscriptions(db, [...new Set(events.map((event) => event.orgId))]);
    const messages: NewMessage[] = events
      .map((event) => ({
        orgId: event.orgId,
        payload: { type: event.type, timestamp: event.timestamp, data: event.data },
        subscriptionIds: subscriptions.filter((s) => s.org_id === event.orgId && s.events.includes(event.type)).map((s) => s.id),
      }))
      .filter((message) => message.subscriptionIds.length > 0);
    if (messages.length === 0) return;
    const deliveryIds = (await recordMessages(db, messages)).flatMap((recorded) => recorded.deliveryIds);
    if (!deps.queue) {
      logger.warn({ component: 'webhooks', deliveries: deliveryIds.length }, 'webhook deliveries recorded but not sent: this process has no job queue');
      return;
    }
    for (let start = 0; start < deliveryIds.length; start += MAX_JOB_DELIVERIES) {
      await deps.queue.send(WEBHOOK_JOB, { deliveries: deliveryIds.slice(start, start + MAX_JOB_DELIVERIES).map((id) => ({ id, attempt: 1 })) });
    }
  }

  function startFlush(): void {
    clearTimeout(timer);
    timer = undefined;
    const events = batch;
    batch = [];
    const run = flush(events).catch((error: unknown) => logger.error({ err: error, component: 'webhooks', events: events.length }, 'could not queue webhook deliveries'));
    pending.add(run);
    void run.finally(() => pending.delete(run));
  }

  const service: WebhooksService = {
    onEvent(event) {
      const mapped = toWebhookEvent(event, config.publicUrl);
      if (!mapped) return;
      batch.push({ orgId: event.orgId, ...mapped, timestamp: new Date().toISOString() });
      if (batch.length >= MAX_BATCH) startFlush();
      else timer ??= setTimeout(startFlush, BATCH_MS);
    },
    async idle() {
      if (batch.length) startFlush();
      while (pending.size) await Promise.all([...pending]);
    },
    async create(orgId, userId, input) {
      checkWebhookUrl(input.url, config.webhooks.allowPrivateTargets);
      const id = randomUUID();
      const secret = newWebhookSecret();
      const subscription = await insertSubscription(db, { id, orgId, ...input, secretSealed: box.seal(secret, secretContext(orgId, id)), createdBy: userId });
      return { subscription, secret };
    },
    async update(orgId, id, change) {
      if (change.url !== undefined) checkWebhookUrl(change.url, config.webhooks.allowPrivateTargets);
      const updated = await updateSubscription(db, orgId, id, change);
      if (!updated) throw new NotFoundError('Webhook', id);
      return updated;
    },
    async rotateSecret(orgId, id) {
      const secret = newWebhookSecret();
      const overlapMs = config.webhooks.secretOverlapHours * 3_600_000;
      const subscription = await rotateSecret(db, orgId, id, box.seal(secret, secretContext(orgId, id)), overlapMs > 0 ? new Date(Date.now() + overlapMs) : null);
      if (!subscription) throw new NotFoundError('Webhook', id);
      return { subscription, secret };
    },
    async testSend(orgId, id) {
      const subscription = await findSubscription(db, orgId, id);
      if (!subscription) throw new NotFoundError('Webhook', id);
      const payload = { type: 'webhook.test', timestamp: new Date().toISOString(), data: { subscriptionId: id, link: `${config.publicUrl}/admin/webhooks` } };
      const { messageId, deliveryIds } = await recordMessage(db, orgId, payload, [id]);
      const [outcome] = await attemptDeliveries(deps, [{ id: deliveryIds[0]!, attempt: 1, evenIfDisabled: true }]);
      return { ...outcome!, messageId };
    },
    async replay(orgId, deliveryId) {
      const replayId = await insertReplay(db, orgId, deliveryId);
      if (!replayId) throw new NotFoundError('Webhook delivery', deliveryId);
      if (deps.queue) await deps.queue.send(WEBHOOK_JOB, { deliveries: [{ id: replayId, attempt: 1 }] });
      return replayId;
    },
  };
  return service;
}
