import { randomUUID } from 'node:crypto';
import type { OrgEvent } from '../events/event-bus.js';
import { NotFoundError } from '../../errors/app-error.js';
import { attemptDeliveries, WEBHOOK_JOB, type DeliveryOutcome, type WebhookDeps } from './webhook-delivery.js';
import { toWebhookEvent } from './webhook-events.js';
import { secretContext, webhookSecretBox } from './webhook-secrets.js';
import { newWebhookSecret } from './webhook-signature.js';
import { checkWebhookUrl } from './webhook-target.js';
import { relayOutbox, type RelayResult } from './webhook-outbox-relay.js';
import { findSubscription, insertReplay, insertSubscription, recordMessage, rotateSecret, updateSubscription, type SubscriptionChange, type SubscriptionRow } from './webhooks-repository.js';
import type { WebhookEventType, WebhookFormat } from './webhooks-tables.js';

/** How long the first event of a burst waits for others, so one relay transaction takes them all. */
const BATCH_MS = 10;

export interface SubscriptionInput {
  url: string;
  description: string;
  events: WebhookEventType[];
  format: WebhookFormat;
  enabled: boolean;
}

export interface WebhooksService {
  /**
   * Hears every organisation event published in this process: one that is a webhook event was
   * committed to the outbox with its change, so the relay runs (after BATCH_MS, for a burst at once).
   */
  onEvent(event: OrgEvent): void;
  /** Relays every event waiting in the outbox now (the sweep's call); resolves with what it relayed. */
  relayPending(): Promise<RelayResult>;
  /** Resolves once the events heard so far are relayed and queued. */
  idle(): Promise<void>;
  /** Stops relaying (a stopping process): what is committed later stays in the outbox for another relay. */
  stop(): Promise<void>;
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
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  /** One relay run at a time in this process; a call during a run asks for one more round after it. */
  let running: Promise<RelayResult> | null = null;
  let again = false;

  function relay(): Promise<RelayResult> {
    clearTimeout(timer);
    timer = undefined;
    if (running) {
      again = true;
      return running;
    }
    const run = (async () => {
      const total: RelayResult = { events: 0, deliveries: 0 };
      do {
        again = false;
        const result = await relayOutbox(deps);
        total.events += result.events;
        total.deliveries += result.deliveries;
      } while (again && !stopped);
      return total;
    })();
    running = run;
    void run.then(
      () => (running = null),
      () => (running = null),
    );
    return run;
  }

  // A failed live relay is logged; the events stay in the outbox and the sweep relays them.
  const relayLogged = () => relay().catch((error: unknown) => logger.error({ err: error, component: 'webhooks' }, 'could not relay the event outbox; the sweep tries again'));

  const service: WebhooksService = {
    onEvent(event) {
      if (stopped || !toWebhookEvent(event, config.publicUrl)) return;
      timer ??= setTimeout(() => void relayLogged(), BATCH_MS);
    },
    relayPending: () => (stopped ? Promise.resolve({ events: 0, deliveries: 0 }) : relay()),
    async idle() {
      if (timer) void relayLogged();
      while (running) await running.catch(() => undefined);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      while (running) await running.catch(() => undefined);
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
