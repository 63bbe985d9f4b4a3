import { sql } from 'kysely';
import { budgetPeriodStart } from '@marketplace/llm';
import { queueStats, type QueueStats } from '@marketplace/db';
import type { ServerDatabase } from '../db/database.js';
import type { Db } from '../db/schema.js';

/**
 * What the whole installation is doing, read from the database every process shares: the worker and
 * smtp roles serve no HTTP, so the API role reports their work (pipeline steps, job queues, mail,
 * deployments, LLM spend) from the rows they write. Only counts and sums; no organisation, user or
 * address leaves this file, because /metrics is unauthenticated.
 */
export interface StateSnapshot {
  /** Per pipeline step: finished (done / failed) counts since the start, seconds spent in done steps, and running now. */
  steps: { step: string; done: number; failed: number; running: number; doneSeconds: number }[];
  queues: QueueStats[];
  /**
   * Incoming mail: all ever stored, not done (waiting, with the age of the oldest), the queue (stored:
   * waiting for a worker; processing: claimed; with the age of its oldest) and the recorded outcomes
   * by kind (the part before the first ':': answered, ignored, refused, quarantined, …).
   */
  incomingMail: { total: number; waiting: number; oldestWaitingSeconds: number; queue: { stored: number; processing: number; oldestSeconds: number }; outcomes: Record<string, number> };
  deliveries: { byState: Record<string, number>; sentTotal: number; oldestWaitingSeconds: number };
  deploymentsByState: Record<string, number>;
  llm: { byProvider: { provider: string; costUsd: number; calls: number }[]; budgetUsedRatio: { soft: number; hard: number } };
}

const num = (value: unknown) => Number(value ?? 0) || 0;

interface BudgetLimits {
  softBudgetUsd?: unknown;
  hardBudgetUsd?: unknown;
  budgetPeriod?: unknown;
}

/** The highest share of its soft and hard LLM budget any organisation has spent in its current period (0: none set). */
async function budgetUsedRatio(db: Db, nowMs: number): Promise<{ soft: number; hard: number }> {
  const orgs = await db.selectFrom('llm_org_settings').select(['org_id', 'limits']).execute();
  const ratio = { soft: 0, hard: 0 };
  for (const { org_id: orgId, limits } of orgs) {
    const { softBudgetUsd, hardBudgetUsd, budgetPeriod } = (limits ?? {}) as BudgetLimits;
    const soft = typeof softBudgetUsd === 'number' && softBudgetUsd > 0 ? softBudgetUsd : undefined;
    const hard = typeof hardBudgetUsd === 'number' && hardBudgetUsd > 0 ? hardBudgetUsd : undefined;
    if (soft === undefined && hard === undefined) continue;
    const start = budgetPeriodStart(budgetPeriod === 'day' ? 'day' : 'month', nowMs);
    const row = await db.selectFrom('llm_counters').select('value').where('org_id', '=', orgId).where('kind', '=', 'spend').where('window_start', '=', String(start)).executeTakeFirst();
    const spent = num(row?.value);
    if (soft !== undefined) ratio.soft = Math.max(ratio.soft, spent / soft);
    if (hard !== undefined) ratio.hard = Math.max(ratio.hard, spent / hard);
  }
  return ratio;
}

const secondsSince = (column: string) => sql<string | null>`EXTRACT(epoch FROM now() - min(${sql.ref(column)}))`;

export async function readStateSnapshot(database: ServerDatabase, db: Db, nowMs = Date.now()): Promise<StateSnapshot> {
  const [steps, queues, incoming, deliveries, sent, deployments, llm, budget] = await Promise.all([
    db
      .selectFrom('request_steps')
      .select(['name', 'state', sql<string>`count(*)`.as('count'), sql<string | null>`sum(duration_ms)`.as('duration_ms')])
      .where('state', 'in', ['running', 'done', 'failed'])
      .groupBy(['name', 'state'])
      .execute(),
    queueStats(database),
    db
      .selectFrom('incoming_mail')
      .select(['state', sql<string>`split_part(coalesce(outcome, state), ':', 1)`.as('kind'), sql<string>`count(*)`.as('count'), secondsSince('received_at').as('oldest')])
      .groupBy(['state', sql`split_part(coalesce(outcome, state), ':', 1)`])
      .execute(),
    db
      .selectFrom('deliveries')
      .select(['state', sql<string>`count(*)`.as('count')])
      .select(secondsSince('created_at').as('oldest'))
      .groupBy('state')
      .execute(),
    db.selectFrom('deliveries').select(sql<string>`count(*)`.as('count')).where('sent_at', 'is not', null).executeTakeFirst(),
    db.selectFrom('deployments').select(['state', sql<string>`count(*)`.as('count')]).groupBy('state').execute(),
    db
      .selectFrom('llm_usage')
      .select([sql<string>`coalesce(provider, 'none')`.as('provider'), sql<string>`coalesce(sum(cost_usd), 0)`.as('cost'), sql<string>`count(*)`.as('calls')])
      .groupBy(sql`coalesce(provider, 'none')`)
      .execute(),
    budgetUsedRatio(db, nowMs),
  ]);

  const byStep = new Map<string, StateSnapshot['steps'][number]>();
  for (const row of steps) {
    const entry = byStep.get(row.name) ?? { step: row.name, done: 0, failed: 0, running: 0, doneSeconds: 0 };
    if (row.state === 'done') {
      entry.done = num(row.count);
      entry.doneSeconds = num(row.duration_ms) / 1000;
    } else if (row.state === 'failed') entry.failed = num(row.count);
    else if (row.state === 'running') entry.running = num(row.count);
    byStep.set(row.name, entry);
  }
  const notDone = incoming.filter((row) => row.state !== 'done');
  const queued = incoming.filter((row) => row.state === 'stored' || row.state === 'processing');
  const inState = (state: string) => queued.filter((row) => row.state === state).reduce((sum, row) => sum + num(row.count), 0);
  const outcomes: Record<string, number> = {};
  for (const row of incoming) if (row.state === 'done' || row.state === 'quarantined') outcomes[row.kind] = (outcomes[row.kind] ?? 0) + num(row.count);
  const waitingDeliveries = deliveries.filter((row) => row.state === 'queued' || row.state === 'sending');
  return {
    steps: [...byStep.values()],
    queues,
    incomingMail: {
      total: incoming.reduce((sum, row) => sum + num(row.count), 0),
      waiting: notDone.reduce((sum, row) => sum + num(row.count), 0),
      oldestWaitingSeconds: Math.max(0, ...notDone.map((row) => num(row.oldest))),
      queue: { stored: inState('stored'), processing: inState('processing'), oldestSeconds: Math.max(0, ...queued.map((row) => num(row.oldest))) },
      outcomes,
    },
    deliveries: {
      byState: Object.fromEntries(deliveries.map((row) => [row.state, num(row.count)])),
      sentTotal: num(sent?.count),
      oldestWaitingSeconds: Math.max(0, ...waitingDeliveries.map((row) => num(row.oldest))),
    },
    deploymentsByState: Object.fromEntries(deployments.map((row) => [row.state, num(row.count)])),
    llm: { byProvider: llm.map((row) => ({ provider: row.provider, costUsd: num(row.cost), calls: num(row.calls) })), budgetUsedRatio: budget },
  };
}
