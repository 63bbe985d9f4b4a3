import type { JobQueue } from '@marketplace/db';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import type { OutboxConsumer } from '../events/events-repository.js';
import { serverAddress } from '../mail-intake/embedded-mail-hub.js';
import { mailSenderFor } from '../mail-intake/mail-sender.js';
import { mailLanguageFor } from '../outgoing-mail/mail-templates.js';
import { sendTemplatedMail } from '../outgoing-mail/send-templated-mail.js';
import { renderBody } from './webhook-formats.js';
import { postWebhook } from './webhook-post.js';
import { secretContext, webhookSecretBox } from './webhook-secrets.js';
import { signedHeaders } from './webhook-signature.js';
import { addFailures, adminsOf, clearFailures, deliveriesToAttempt, disableSubscription, recordAttempts, type AttemptRecord } from './webhooks-repository.js';

export const WEBHOOK_JOB = 'webhooks.deliver';

export interface WebhookDeps {
  db: Db;
  config: Config;
  /** null: deliveries are recorded but not sent (a process without the job queue). */
  queue: JobQueue | null;
  logger: Logger;
  /** Integrations that also take each relayed event from the outbox (MQTT). */
  outboxConsumers?: readonly OutboxConsumer[];
}

/** One attempt to make: `attempt` is its number, so a job run twice finds it made and skips it. */
export interface DeliveryItem {
  id: string;
  attempt: number;
  /** A test-send goes out even while the subscription is disabled. */
  evenIfDisabled?: boolean;
}

export interface DeliveryOutcome extends Omit<AttemptRecord, 'orgId'> {
  subscriptionId: string;
}

/**
 * Makes one attempt of each delivery, all at once: render the subscription's format, sign, POST.
 * A failure is retried through the job queue after the next delay of WEBHOOK_RETRY_SCHEDULE;
 * the last one fails the delivery. Failures count against the subscription, which is disabled
 * (and its organisation's admins mailed) past WEBHOOK_DISABLE_AFTER_FAILURES in a row or
 * WEBHOOK_DISABLE_AFTER_DAYS of nothing but failures.
 */
export async function attemptDeliveries(deps: WebhookDeps, items: DeliveryItem[]): Promise<DeliveryOutcome[]> {
  const { db, config, logger } = deps;
  const settings = config.webhooks;
  const byId = new Map(items.map((item) => [item.id, item]));
  const rows = (await deliveriesToAttempt(db, [...byId.keys()])).filter((row) => row.state === 'pending' && row.attempts === byId.get(row.id)!.attempt - 1);
  const box = webhookSecretBox(config);
  const outcomes = await Promise.all(
    rows.map(async (row): Promise<DeliveryOutcome & { orgId: string; counts: boolean }> => {
      const item = byId.get(row.id)!;
      const base = { deliveryId: row.id, orgId: row.org_id, subscriptionId: row.subscription_id, attempt: item.attempt };
      if (!row.enabled && !item.evenIfDisabled) {
        return { ...base, state: 'failed', nextAttemptAt: null, status: null, durationMs: 0, error: 'SUBSCRIPTION_DISABLED', excerpt: null, counts: false };
      }
      const body = renderBody(row.format, row.payload);
      const context = secretContext(row.org_id, row.subscription_id);
      const overlapping = row.previous_secret_sealed && row.previous_secret_until && new Date(row.previous_secret_until).getTime() > Date.now();
      const secrets = [box.open(row.secret_sealed, context), ...(overlapping ? [box.open(row.previous_secret_sealed!, context)] : [])];
      const headers = signedHeaders(secrets, row.message_id, Math.floor(Date.now() / 1000), body);
      const result = await postWebhook({ url: row.url, headers, body, timeoutMs: settings.timeoutMs, allowPrivate: settings.allowPrivateTargets });
      const delay = settings.retryScheduleSeconds[item.attempt - 1];
      const retry = !result.ok && delay !== undefined;
      const state = result.ok ? 'succeeded' : retry ? 'pending' : 'failed';
      return { ...base, state, nextAttemptAt: retry ? new Date(Date.now() + delay * 1000) : null, status: result.status, durationMs: result.durationMs, error: result.error, excerpt: result.excerpt, counts: true };
    }),
  );
  await recordAttempts(db, outcomes);
  for (const outcome of outcomes.filter((o) => o.state === 'pending' && o.nextAttemptAt)) {
    if (!deps.queue) continue;
    await deps.queue.send(WEBHOOK_JOB, { deliveries: [{ id: outcome.deliveryId, attempt: outcome.attempt + 1 }] }, { startAfter: outcome.nextAttemptAt! });
  }
  await clearFailures(db, [...new Set(outcomes.filter((o) => o.state === 'succeeded').map((o) => o.subscriptionId))]);
  const failures = new Map<string, number>();
  for (const o of outcomes) if (o.counts && o.state !== 'succeeded') failures.set(o.subscriptionId, (failures.get(o.subscriptionId) ?? 0) + 1);
  for (const [subscriptionId, count] of failures) await countFailures(deps, subscriptionId, count);
  for (const o of outcomes) if (o.error) logger.debug({ component: 'webhooks', deliveryId: o.deliveryId, attempt: o.attempt, error: o.error }, 'webhook attempt failed');
  return outcomes.map(({ counts: _counts, orgId: _orgId, ...outcome }) => outcome);
}

async function countFailures(deps: WebhookDeps, subscriptionId: string, count: number): Promise<void> {
  const { disableAfterFailures, disableAfterDays } = deps.config.webhooks;
  const streak = await addFailures(deps.db, subscriptionId, count);
  if (!streak?.enabled) return;
  const failingDays = streak.failing_since ? (Date.now() - new Date(streak.failing_since).getTime()) / 86_400_000 : 0;
  let reason: string | undefined;
  if (disableAfterFailures > 0 && streak.consecutive_failures >= disableAfterFailures) reason = `${streak.consecutive_failures} delivery attempts in a row failed`;
  else if (disableAfterDays > 0 && failingDays >= disableAfterDays) reason = `every delivery attempt for ${Math.floor(failingDays)} days failed`;
  if (!reason || !(await disableSubscription(deps.db, subscriptionId, reason))) return;
  deps.logger.warn({ component: 'webhooks', subscriptionId, orgId: streak.org_id, failures: streak.consecutive_failures }, 'webhook disabled after repeated failure');
  await noticeDisabled(deps, streak.org_id, streak.url, reason);
}

/** Mails the organisation's admins that a webhook was disabled (logged when no mail is configured). */
async function noticeDisabled(deps: WebhookDeps, orgId: string, url: string, reason: string): Promise<void> {
  const sender = mailSenderFor(deps.config);
  if (!sender) return;
  try {
    const target = new URL(url);
    for (const to of await adminsOf(deps.db, orgId)) {
      const language = await mailLanguageFor(deps.db, orgId, { to: { email: to } });
      // host and path without the scheme: the receiver named, not linked (links go to allowed hosts only)
      const params = { target: `${target.host}${target.pathname}`, reason, webhooksUrl: `${deps.config.publicUrl}/admin/webhooks` };
      const sent = await sendTemplatedMail({ db: deps.db, publicUrl: deps.config.publicUrl, from: deps.config.smtp.from, logger: deps.logger, sender }, { orgId, kind: 'webhook-disabled', language, params, to, from: { name: 'Marketplace', address: serverAddress(deps.config.smtp.from) } });
      if (!sent.sent) deps.logger.warn({ component: 'webhooks', code: sent.blocked?.code ?? 'WEBHOOK_NOTICE_FAILED' }, 'the notice of a disabled webhook could not be mailed');
    }
  } finally {
    sender.close();
  }
}
