import type { Config } from '../../config/config.js';
import { periodicSweep, type PeriodicSweep } from '../../db/periodic-sweep.js';
import { WEBHOOK_JOB, type WebhookDeps } from './webhook-delivery.js';
import { claimUnsentDeliveries, deleteOldDeliveries, dropExpiredSecrets, releaseUnsentDeliveries } from './webhooks-repository.js';

/** How often the sweep runs (it also runs once at start). */
const SWEEP_EVERY_MS = 600_000;
/**
 * A delivery recorded this long ago and never attempted lost its job (a job runs within seconds;
 * pg-boss heals a crashed run within minutes): the sweep queues it again.
 */
export const UNSENT_AFTER_MS = 600_000;
/** The most lost deliveries one sweep queues again, in jobs of at most JOB_DELIVERIES. */
const MAX_REQUEUE = 5000;
const JOB_DELIVERIES = 500;

export interface WebhookSweepResult {
  deliveries: number;
  messages: number;
  secrets: number;
  requeued: number;
}

/**
 * One pass: deletes delivery records (with their attempts) older than WEBHOOK_RETENTION_DAYS and the
 * messages left without deliveries, forgets old secrets whose rotation overlap has ended, and
 * queues again the deliveries whose first job was lost. Safe to run in several processes at once.
 */
export async function sweepWebhooks(deps: Pick<WebhookDeps, 'db' | 'queue'> & { config: Pick<Config, 'webhooks'> }, now = new Date()): Promise<WebhookSweepResult> {
  const { db, queue, config } = deps;
  const removed = await deleteOldDeliveries(db, new Date(now.getTime() - config.webhooks.retentionDays * 86_400_000));
  const secrets = await dropExpiredSecrets(db, now);
  let requeued = 0;
  if (queue) {
    const ids = await claimUnsentDeliveries(db, new Date(now.getTime() - UNSENT_AFTER_MS), MAX_REQUEUE);
    for (let start = 0; start < ids.length; start += JOB_DELIVERIES) {
      const chunk = ids.slice(start, start + JOB_DELIVERIES);
      try {
        await queue.send(WEBHOOK_JOB, { deliveries: chunk.map((id) => ({ id, attempt: 1 })) });
        requeued += chunk.length;
      } catch (error) {
        await releaseUnsentDeliveries(db, ids.slice(start));
        throw error;
      }
    }
  }
  return { ...removed, secrets, requeued };
}

/** Runs sweepWebhooks at start, then every 10 minutes, in the processes that run jobs (roles all and worker). */
export function webhookSweeper(deps: Pick<WebhookDeps, 'db' | 'config' | 'queue' | 'logger'>): PeriodicSweep {
  return periodicSweep(
    SWEEP_EVERY_MS,
    async () => {
      const result = await sweepWebhooks(deps);
      if (result.deliveries || result.messages || result.secrets || result.requeued) {
        deps.logger.info({ component: 'webhook-sweeper', ...result, retentionDays: deps.config.webhooks.retentionDays }, 'webhook sweep: old deliveries removed, expired secrets dropped, lost deliveries queued again');
      }
    },
    (error) => deps.logger.warn({ err: error, component: 'webhook-sweeper' }, 'the webhook sweep failed; it runs again in 10 minutes'),
  );
}
