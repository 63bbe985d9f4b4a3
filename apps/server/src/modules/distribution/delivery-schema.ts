import { z } from 'zod';
import { iso, isoOrNull } from '../../http/responses.js';
import type { DeliveryRow, QueuedDelivery } from './queue-deliveries.js';

export const deliverySchema = z
  .object({ id: z.string(), recipient: z.string(), agentId: z.string(), state: z.enum(['queued', 'sending', 'sent', 'failed']), error: z.string().nullable(), createdAt: z.string(), sentAt: z.string().nullable() })
  .meta({ id: 'Delivery' });

export const queuedDeliverySchema = deliverySchema
  .extend({ existing: z.boolean().describe('True when this version had already been delivered to that agent and nothing new was sent (redeploy sends it again)') })
  .meta({ id: 'QueuedDelivery' });

export const toDelivery = (row: DeliveryRow) => ({ id: row.id, recipient: row.recipient, agentId: row.agent_id, state: row.state, error: row.error, createdAt: iso(row.created_at), sentAt: isoOrNull(row.sent_at) });
export const toQueuedDelivery = (row: QueuedDelivery) => ({ ...toDelivery(row), existing: row.existing });
