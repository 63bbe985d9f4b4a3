import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/schema.js';

export const PERIODS = ['24h', '7d', '30d', '90d'] as const;
export type Period = (typeof PERIODS)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SHAPE: Record<Period, { bucket: 'hour' | 'day'; size: number; count: number }> = {
  '24h': { bucket: 'hour', size: HOUR, count: 24 },
  '7d': { bucket: 'day', size: DAY, count: 7 },
  '30d': { bucket: 'day', size: DAY, count: 30 },
  '90d': { bucket: 'day', size: DAY, count: 90 },
};

export interface Point {
  t: string;
  value: number;
}

export interface Analytics {
  period: Period;
  from: string;
  to: string;
  bucket: 'hour' | 'day';
  series: { requests: Point[]; published: Point[]; failed: Point[]; generationSecondsP50: Point[]; activeUsers: Point[]; llmCostUsd: Point[] };
  totals: {
    requests: number;
    published: number;
    failed: number;
    successRate: number | null;
    generationSecondsP50: number | null;
    activeUsers: number;
    deployments: number;
    healthyDeployments: number;
    llmCalls: number;
    llmTokens: number;
    llmCostUsd: number;
  };
  kinds: { kind: string; count: number }[];
  deploymentOutcomes: { state: string; count: number }[];
}

/**
 * The period's buckets in UTC: whole hours (24h) or days, the last one holding `now`, so the first
 * starts 23 hours (or N-1 days) before the current one.
 */
export function bucketsOf(period: Period, now: Date): { from: Date; size: number; count: number; bucket: 'hour' | 'day' } {
  const shape = SHAPE[period];
  const current = Math.floor(now.getTime() / shape.size) * shape.size;
  return { ...shape, from: new Date(current - (shape.count - 1) * shape.size) };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The bucket index of a timestamp column, in SQL: whole sizes since `from` (epoch arithmetic, no time zones). */
const bucketOf = (column: string, from: Date, size: number): RawBuilder<number> => sql<number>`floor((extract(epoch from ${sql.ref(column)}) - ${from.getTime() / 1000}) / ${size / 1000})`;

/** Org-scoped figures for a period, on PGlite and PostgreSQL alike (portable SQL, buckets by epoch). */
export async function loadAnalytics(db: Db, orgId: string, period: Period, now = new Date()): Promise<Analytics> {
  const { from, size, count, bucket } = bucketsOf(period, now);
  const empty = () => new Array<number>(count).fill(0);
  const fill = (target: number[], rows: { b: unknown; v: unknown }[]) => {
    for (const row of rows) {
      const index = Number(row.b);
      if (index >= 0 && index < count) target[index] = Number(row.v ?? 0);
    }
  };
  const generation = sql<number>`extract(epoch from (app_versions.published_at - requests.created_at))`;
  const median = sql<number>`percentile_cont(0.5) within group (order by ${generation})`;
  // Entries whose actor is one of the organisation's users (a token exchange by an agent client also names an actor).
  const userEntries = () =>
    db
      .selectFrom('audit_log')
      .where('org_id', '=', orgId)
      .where('actor_type', '=', 'user')
      .where('at', '>=', from)
      .where(sql<boolean>`actor_id in (select id::text from users where org_id = ${orgId})`);

  const [requested, failed, published, publishedTotal, active, activeTotal, llm, llmTotal, kinds, outcomes] = await Promise.all([
    db.selectFrom('requests').select([bucketOf('created_at', from, size).as('b'), (eb) => eb.fn.countAll().as('v')]).where('org_id', '=', orgId).where('created_at', '>=', from).groupBy('b').execute(),
    db.selectFrom('requests').select([bucketOf('updated_at', from, size).as('b'), (eb) => eb.fn.countAll().as('v')]).where('org_id', '=', orgId).where('state', '=', 'failed').where('updated_at', '>=', from).groupBy('b').execute(),
    db
      .selectFrom('app_versions')
      .innerJoin('requests', 'requests.id', 'app_versions.request_id')
      .select([bucketOf('app_versions.published_at', from, size).as('b'), (eb) => eb.fn.countAll().as('v'), median.as('p50')])
      .where('app_versions.org_id', '=', orgId)
      .where('app_versions.published_at', '>=', from)
      .groupBy('b')
      .execute(),
    db
      .selectFrom('app_versions')
      .innerJoin('requests', 'requests.id', 'app_versions.request_id')
      .select(median.as('p50'))
      .where('app_versions.org_id', '=', orgId)
      .where('app_versions.published_at', '>=', from)
      .executeTakeFirst(),
    userEntries().select([bucketOf('at', from, size).as('b'), sql<number>`count(distinct actor_id)`.as('v')]).groupBy('b').execute(),
    userEntries().select(sql<number>`count(distinct actor_id)`.as('v')).executeTakeFirst(),
    db.selectFrom('llm_usage').select([bucketOf('at', from, size).as('b'), (eb) => eb.fn.sum<number>('cost_usd').as('v')]).where('org_id', '=', orgId).where('at', '>=', from).groupBy('b').execute(),
    db
      .selectFrom('llm_usage')
      .select([(eb) => eb.fn.countAll().as('calls'), sql<number>`coalesce(sum(input_tokens + output_tokens), 0)`.as('tokens'), sql<number>`coalesce(sum(cost_usd), 0)`.as('cost')])
      .where('org_id', '=', orgId)
      .where('at', '>=', from)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('app_versions')
      .innerJoin('apps', 'apps.id', 'app_versions.app_id')
      .select(['apps.kind', sql<number>`count(distinct apps.id)`.as('n')])
      .where('app_versions.org_id', '=', orgId)
      .where('app_versions.published_at', '>=', from)
      .groupBy('apps.kind')
      .execute(),
    // The deployments module's tables are not in the typed schema (it queries them untyped too).
    db.selectFrom('deployments').select(['state', (eb) => eb.fn.countAll().as('n')]).where('org_id', '=', orgId).where('updated_at', '>=', from).groupBy('state').execute(),
  ]);

  const series = { requests: empty(), published: empty(), failed: empty(), generationSecondsP50: empty(), activeUsers: empty(), llmCostUsd: empty() };
  fill(series.requests, requested);
  fill(series.failed, failed);
  fill(series.published, published);
  fill(series.generationSecondsP50, published.map((row) => ({ b: row.b, v: round(Number(row.p50 ?? 0), 1) })));
  fill(series.activeUsers, active);
  fill(series.llmCostUsd, llm.map((row) => ({ b: row.b, v: round(Number(row.v ?? 0), 6) })));

  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const totalPublished = sum(series.published);
  const totalFailed = sum(series.failed);
  const deploymentOutcomes = outcomes.map((row) => ({ state: String(row.state), count: Number(row.n) })).sort((a, b) => b.count - a.count || a.state.localeCompare(b.state));
  const toPoints = (values: number[]): Point[] => values.map((value, index) => ({ t: new Date(from.getTime() + index * size).toISOString(), value }));
  const p50 = publishedTotal?.p50;
  return {
    period,
    from: from.toISOString(),
    to: now.toISOString(),
    bucket,
    series: {
      requests: toPoints(series.requests),
      published: toPoints(series.published),
      failed: toPoints(series.failed),
      generationSecondsP50: toPoints(series.generationSecondsP50),
      activeUsers: toPoints(series.activeUsers),
      llmCostUsd: toPoints(series.llmCostUsd),
    },
    totals: {
      requests: sum(series.requests),
      published: totalPublished,
      failed: totalFailed,
      successRate: totalPublished + totalFailed ? round(totalPublished / (totalPublished + totalFailed), 4) : null,
      generationSecondsP50: p50 === null || p50 === undefined ? null : round(Number(p50), 1),
      activeUsers: Number(activeTotal?.v ?? 0),
      deployments: sum(deploymentOutcomes.map((o) => o.count)),
      healthyDeployments: deploymentOutcomes.find((o) => o.state === 'healthy')?.count ?? 0,
      llmCalls: Number(llmTotal.calls),
      llmTokens: Number(llmTotal.tokens),
      llmCostUsd: round(Number(llmTotal.cost), 6),
    },
    kinds: kinds.map((row) => ({ kind: row.kind, count: Number(row.n) })).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
    deploymentOutcomes,
  };
}
