import type { Generated } from 'kysely';
import type { DefaultNow, Json, Timestamp } from '../../db/column-types.js';

export const WEBHOOK_EVENT_TYPES = ['request.published', 'request.failed', 'approval.needed', 'deployment.healthy', 'deployment.unhealthy', 'deployment.rolled_back', 'review.added'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** What a test-send carries; no subscription chooses it. */
export type WebhookMessageType = WebhookEventType | 'webhook.test';
export const WEBHOOK_FORMATS = ['standard', 'slack', 'teams'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export type WebhookDeliveryState = 'pending' | 'succeeded' | 'failed';

/** An admin's subscription of one URL to some event types; the signing secret is stored sealed. */
export interface WebhookSubscriptionsTable {
  id: string;
  org_id: string;
  url: string;
  description: string;
  events: Json<WebhookEventType[]>;
  format: WebhookFormat;
  secret_sealed: string;
  /** After a rotation: the secret before it, which also signs until `previous_secret_until`. */
  previous_secret_sealed: string | null;
  previous_secret_until: Timestamp | null;
  secret_rotated_at: Timestamp | null;
  enabled: boolean;
  /** Why it was disabled automatically (null: enabled, or disabled by an admin). */
  disabled_reason: string | null;
  disabled_at: Timestamp | null;
  /** Failed attempts since the last success, and when the first of them happened. */
  consecutive_failures: Generated<number>;
  failing_since: Timestamp | null;
  created_by: string | null;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

/** One event as sent (Standard Webhooks body `{type, timestamp, data}`); `id` is the `webhook-id`, the same on every retry and replay. */
export interface WebhookMessagesTable {
  id: string;
  org_id: string;
  type: string;
  payload: Json<{ type: string; timestamp: string; data: Record<string, unknown> }>;
  created_at: DefaultNow;
}

/** One message to one subscription, with the outcome of its latest attempt. */
export interface WebhookDeliveriesTable {
  id: string;
  org_id: string;
  subscription_id: string;
  message_id: string;
  state: WebhookDeliveryState;
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  last_status: number | null;
  last_duration_ms: number | null;
  last_error: string | null;
  response_excerpt: string | null;
  /** A replay names the delivery it repeats. */
  replay_of: string | null;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

/** Every attempt of a delivery (the log an admin reads). */
export interface WebhookAttemptsTable {
  id: string;
  org_id: string;
  delivery_id: string;
  attempt: number;
  status: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
  created_at: DefaultNow;
}

export interface WebhooksTables {
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_messages: WebhookMessagesTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
