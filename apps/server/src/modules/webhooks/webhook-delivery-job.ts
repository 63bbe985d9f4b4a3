import { defineJob, type JobDefinition } from '@marketplace/db';
import { z } from 'zod';
import { attemptDeliveries, WEBHOOK_JOB, type DeliveryItem, type WebhookDeps } from './webhook-delivery.js';

const jobData = z.object({ deliveries: z.array(z.object({ id: z.uuid(), attempt: z.number().int().min(1).max(100) })).min(1).max(1000) });

/**
 * Sends webhook deliveries: the first attempts of one event to all its subscribers in one job, each
 * retry as a job of its own started after its delay. pg-boss's own retries only heal a crashed run.
 */
export function webhookDeliveryJob(deps: WebhookDeps): JobDefinition<{ deliveries: DeliveryItem[] }> {
  return defineJob({
    name: WEBHOOK_JOB,
    retryLimit: 2,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: Math.ceil(deps.config.webhooks.timeoutMs / 1000) + 120,
    concurrency: 8,
    handler: async (data) => {
      const { deliveries } = jobData.parse(data);
      await attemptDeliveries(deps, deliveries);
    },
  });
}
