import { Counter, Gauge, type Registry } from 'prom-client';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerDatabase } from '../db/database.js';
import type { Db } from '../db/schema.js';
import { readStateSnapshot, type StateSnapshot } from './state-metrics-repository.js';

/**
 * At most one database read per this many milliseconds, however often /metrics is scraped (it is
 * public: a flood of scrapes must not become a flood of queries). Prometheus scrapes every 15–60 s.
 */
export const STATE_METRICS_MAX_AGE_MS = 10_000;

/**
 * Installation-wide metrics read from the shared database at scrape time (state-metrics-repository.ts):
 * pipeline steps, job queues, mail in and out, deployments by state, LLM spend and budgets. Every API
 * replica reports the same figures: aggregate them with max(), not sum(). Totals that only grow are
 * counters; backlogs and ages are gauges.
 */
export function registerStateMetrics(registry: Registry, database: ServerDatabase, db: Db, logger: FastifyBaseLogger, maxAgeMs = STATE_METRICS_MAX_AGE_MS): void {
  let cached: { at: number; value: Promise<StateSnapshot | null> } | undefined;
  const snapshot = () => {
    if (!cached || Date.now() - cached.at >= maxAgeMs) {
      cached = {
        at: Date.now(),
        value: readStateSnapshot(database, db).catch((error: unknown) => {
          logger.warn({ err: error, component: 'metrics' }, 'could not read the installation state for /metrics');
          return null;
        }),
      };
    }
    return cached.value;
  };
  const registers = [registry];

  /** A gauge or counter set from the snapshot on each scrape; left as it was when the read failed. */
  function fromSnapshot<L extends string>(kind: 'gauge' | 'counter', name: string, help: string, labelNames: L[], fill: (s: StateSnapshot, set: (labels: Partial<Record<L, string>>, value: number) => void) => void) {
    const Metric = kind === 'gauge' ? Gauge : Counter;
    new Metric<L>({
      name,
      help,
      labelNames,
      registers,
      async collect(this: Gauge<L> | Counter<L>) {
        const state = await snapshot();
        if (!state) return;
        this.reset();
        fill(state, (labels, value) => (this instanceof Gauge ? this.set(labels, value) : this.inc(labels, Math.max(0, value))));
      },
    });
  }

  new Gauge({
    name: 'marketplace_state_metrics_up',
    help: 'Whether the last read of the installation state (the marketplace_* metrics below) from the database succeeded.',
    registers,
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });

  fromSnapshot('counter', 'marketplace_pipeline_steps_total', 'Pipeline steps finished since the database was created, by step and outcome (done or failed).', ['step', 'outcome'], (s, set) => {
    for (const step of s.steps) {
      set({ step: step.step, outcome: 'done' }, step.done);
      set({ step: step.step, outcome: 'failed' }, step.failed);
    }
  });
  fromSnapshot('counter', 'marketplace_pipeline_step_seconds_total', 'Seconds spent in pipeline steps that finished done, by step (divide by the done count for the mean).', ['step'], (s, set) => {
    for (const step of s.steps) set({ step: step.step }, step.doneSeconds);
  });
  fromSnapshot('gauge', 'marketplace_pipeline_steps_running', 'Pipeline steps running now, by step.', ['step'], (s, set) => {
    for (const step of s.steps) set({ step: step.step }, step.running);
  });

  fromSnapshot('gauge', 'marketplace_job_queue_jobs', 'Jobs not completed, by queue and state (created and retry wait, active run, failed is the dead letter).', ['queue', 'state'], (s, set) => {
    for (const queue of s.queues) for (const state of ['created', 'retry', 'active', 'failed'] as const) set({ queue: queue.name, state }, queue[state]);
  });
  fromSnapshot('gauge', 'marketplace_job_queue_oldest_waiting_seconds', 'How long the oldest job that may run now has waited for a worker, by queue (0: none waits).', ['queue'], (s, set) => {
    for (const queue of s.queues) set({ queue: queue.name }, queue.oldestWaitingSeconds);
  });

  fromSnapshot('counter', 'marketplace_mail_received_total', 'Mail received for the marketplace address (SMTP listener or service mailbox) and stored.', [], (s, set) => set({}, s.incomingMail.total));
  fromSnapshot('gauge', 'marketplace_mail_incoming_waiting', 'Received mail not yet processed.', [], (s, set) => set({}, s.incomingMail.waiting));
  fromSnapshot('gauge', 'marketplace_mail_incoming_oldest_waiting_seconds', 'Age of the oldest received mail not yet processed (0: none).', [], (s, set) => set({}, s.incomingMail.oldestWaitingSeconds));
  // the mail queue's backlog (names used by deploy/grafana and deploy/prometheus)
  fromSnapshot('gauge', 'mail_incoming_queue_depth', 'Incoming messages not processed yet, by state (stored: waiting; processing: claimed).', ['state'], (s, set) => {
    set({ state: 'stored' }, s.incomingMail.queue.stored);
    set({ state: 'processing' }, s.incomingMail.queue.processing);
  });
  fromSnapshot('gauge', 'mail_incoming_oldest_age_seconds', 'Age of the oldest incoming message not processed yet (0 when none waits).', [], (s, set) => set({}, s.incomingMail.queue.oldestSeconds));
  fromSnapshot('gauge', 'mail_incoming_outcomes', 'Incoming messages with a recorded outcome, by kind (answered, ignored, refused, unknown-sender, status-report, quarantined, …).', ['kind'], (s, set) => {
    for (const [kind, count] of Object.entries(s.incomingMail.outcomes)) set({ kind }, count);
  });
  fromSnapshot('counter', 'marketplace_mail_deliveries_sent_total', 'Release e-mails handed to the SMTP server (hub or relay).', [], (s, set) => set({}, s.deliveries.sentTotal));
  fromSnapshot('gauge', 'marketplace_mail_deliveries', 'Release e-mails by state (queued, sending, sent, failed).', ['state'], (s, set) => {
    for (const [state, count] of Object.entries(s.deliveries.byState)) set({ state }, count);
  });
  fromSnapshot('gauge', 'marketplace_mail_delivery_oldest_waiting_seconds', 'Age of the oldest release e-mail still queued or sending (0: none).', [], (s, set) => set({}, s.deliveries.oldestWaitingSeconds));

  fromSnapshot('gauge', 'marketplace_deployments', 'Deployments on agents by their last reported state.', ['state'], (s, set) => {
    for (const [state, count] of Object.entries(s.deploymentsByState)) set({ state }, count);
  });

  fromSnapshot('counter', 'marketplace_llm_cost_usd_total', 'LLM spend in US dollars, by provider id ("none": refused before a provider was chosen).', ['provider'], (s, set) => {
    for (const row of s.llm.byProvider) set({ provider: row.provider }, row.costUsd);
  });
  fromSnapshot('counter', 'marketplace_llm_calls_total', 'LLM gateway calls (provider calls, cache hits, refusals), by provider id.', ['provider'], (s, set) => {
    for (const row of s.llm.byProvider) set({ provider: row.provider }, row.calls);
  });
  fromSnapshot('gauge', 'marketplace_llm_budget_used_ratio', 'The highest share of its soft or hard LLM budget any organisation has spent in its current period (1 = all of it; 0 when none is set).', ['budget'], (s, set) => {
    set({ budget: 'soft' }, s.llm.budgetUsedRatio.soft);
    set({ budget: 'hard' }, s.llm.budgetUsedRatio.hard);
  });
}
