import { z } from 'zod';
import { iso, isoOrNull } from '../../http/responses.js';
import type { DeliveryRow, SubscriptionRow } from './webhooks-repository.js';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS } from './webhooks-tables.js';

export const subscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  format: z.enum(WEBHOOK_FORMATS),
  enabled: z.boolean(),
  disabledReason: z.string().nullable().describe('Why it was disabled automatically (null when an admin did it, or enabled)'),
  disabledAt: z.string().nullable(),
  consecutiveFailures: z.number().int(),
  failingSince: z.string().nullable(),
  secretRotatedAt: z.string().nullable().describe('When the signing secret was last rotated (null: never)'),
  previousSecretUntil: z.string().nullable().describe('Until when deliveries are also signed with the secret before the last rotation (null: no overlap now)'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const deliverySchema = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  messageId: z.string().describe('The webhook-id header: the same on every retry and replay of the message'),
  type: z.string(),
  state: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatus: z.number().int().nullable().describe('HTTP status of the latest attempt (null: no answer)'),
  lastDurationMs: z.number().int().nullable(),
  lastError: z.string().nullable().describe('TIMEOUT, TARGET_REFUSED, CONNECTION_FAILED: …, HTTP <status>, SUBSCRIPTION_DISABLED'),
  responseExcerpt: z.string().nullable().describe('At most the first 512 bytes of the latest answer'),
  replayOf: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const attemptSchema = z.object({ attempt: z.number().int(), status: z.number().int().nullable(), durationMs: z.number().int(), error: z.string().nullable(), responseExcerpt: z.string().nullable(), at: z.string() });

export const subscriptionView = (row: SubscriptionRow): z.infer<typeof subscriptionSchema> => ({
  id: row.id,
  url: row.url,
  description: row.description,
  events: row.events,
  format: row.format,
  enabled: row.enabled,
  disabledReason: row.disabled_reason,
  disabledAt: isoOrNull(row.disabled_at),
  consecutiveFailures: row.consecutive_failures,
  failingSince: isoOrNull(row.failing_since),
  secretRotatedAt: isoOrNull(row.secret_rotated_at),
  previousSecretUntil: row.previous_secret_until && new Date(row.previous_secret_until).getTime() > Date.now() ? iso(row.previous_secret_until) : null,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

export const deliveryView = (row: DeliveryRow): z.infer<typeof deliverySchema> => ({
  id: row.id,
  subscriptionId: row.subscription_id,
  messageId: row.message_id,
  type: row.type,
  state: row.state,
  attempts: row.attempts,
  nextAttemptAt: isoOrNull(row.next_attempt_at),
  lastStatus: row.last_status,
  lastDurationMs: row.last_duration_ms,
  lastError: row.last_error,
  responseExcerpt: row.response_excerpt,
  replayOf: row.replay_of,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});
