import { randomUUID } from 'node:crypto';
import type { OrgEvent } from '../events/event-bus.js';
import { NotFoundError } from '../../errors/app-error.js';
import { attemptDeliveries, WEBHOOK_JOB, type DeliveryOutcome, type WebhookDeps } from './webhook-delivery.js';
import { toWebhookEvent } from './webhook-events.js';
import { secretContext, webhookSecretBox } from './webhook-secrets.js';
import { newWebhookSecret } from './webhook-signature.js';
import { checkWebhookUrl } from './webhook-target.js';
import { findSubscription, insertReplay, insertSubscription, recordMessage, subscribersOf, updateSubscription, type SubscriptionChange, type SubscriptionRow } from './webhooks-repository.js';
import type { WebhookEventType, WebhookFormat } from './webhooks-tables.js';

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
  /** Sends a `webhook.test` message to one subscription now (its retries go through the queue). */
  testSend(orgId: string, id: string): Promise<DeliveryOutcome & { messageId: string }>;
  /** Sends a delivery's message again (same webhook-id) as a new delivery; returns its id. */
  replay(orgId: string, deliveryId: string): Promise<string>;
}

export function createWebhooksService(deps: WebhookDeps): WebhooksService {
  const { db, config, logger } = deps;
  const box = webhookSecretBox(config);
  const pending = new Set<Promise<void>>();

  async function dispatch(event: OrgEvent): Promise<void> {
    const mapped = toWebhookEvent(event, config.publicUrl);
    if (!mapped) return;
    const subscribers = await subscribersOf(db, event.orgId, mapped.type);
    if (subscribers.length === 0) return;
    const payload = { type: mapped.type, timestamp: new Date().toISOString(), data: mapped.data };
    const { deliveryIds } = await recordMessage(db, event.orgId, payload, subscribers.map((s) => s.id));
    if (!deps.queue) {
      logger.warn({ component: 'webhooks', type: mapped.type }, 'webhook deliveries recorded but not sent: this process has no job queue');
      return;
    }
    await deps.queue.send(WEBHOOK_JOB, { deliveries: deliveryIds.map((id) => ({ id, attempt: 1 })) });
  }

  const service: WebhooksService = {
    onEvent(event) {
      const run = dispatch(event).catch((error: unknown) => logger.error({ err: error, component: 'webhooks', orgId: event.orgId }, 'could not queue webhook deliveries for an event'));
      pending.add(run);
      void run.finally(() => pending.delete(run));
    },
    async idle() {
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
