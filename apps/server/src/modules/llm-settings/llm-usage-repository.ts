import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { UsageRecord, UsageSink, UsageStore } from '@marketplace/llm';
import type { Db } from '../../db/schema.js';

/** Budget spend and per-minute request counts in the database, so every server process shares them. */
export function createDbUsageStore(db: Db): UsageStore {
  const read = async (orgId: string, kind: 'spend' | 'requests', start: number) => {
    const row = await db.selectFrom('llm_counters').select('value').where('org_id', '=', orgId).where('kind', '=', kind).where('window_start', '=', String(start)).executeTakeFirst();
    return Number(row?.value ?? 0);
  };
  const add = async (orgId: string, kind: 'spend' | 'requests', start: number, amount: number) => {
    const row = await db
      .insertInto('llm_counters')
      .values({ org_id: orgId, kind, window_start: start, value: amount })
      .onConflict((oc) => oc.columns(['org_id', 'kind', 'window_start']).doUpdateSet({ value: sql`llm_counters.value + ${amount}` }))
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(row.value);
  };
  return {
    getSpendUsd: (orgId, periodStartMs) => read(orgId, 'spend', periodStartMs),
    addSpendUsd: async (orgId, periodStartMs, usd) => {
      await add(orgId, 'spend', periodStartMs, usd);
    },
    getRequestCount: (orgId, windowStartMs) => read(orgId, 'requests', windowStartMs),
    incrementRequestCount: async (orgId, windowStartMs) => {
      await db.deleteFrom('llm_counters').where('org_id', '=', orgId).where('kind', '=', 'requests').where('window_start', '<', String(windowStartMs - 120_000)).execute();
      return add(orgId, 'requests', windowStartMs, 1);
    },
  };
}

const uuidOrNull = (value: string | null) => (value && /^[0-9a-f-]{36}$/i.test(value) ? value : null);

/** One row per provider call, cache hit, built-in answer or refusal: the usage report reads these. */
export function createDbUsageSink(db: Db): UsageSink {
  return async (record: UsageRecord) => {
    await db
      .insertInto('llm_usage')
      .values({
        id: randomUUID(),
        org_id: record.orgId,
        user_id: uuidOrNull(record.userId),
        conversation_id: uuidOrNull(record.conversationId),
        app_id: uuidOrNull(record.appId),
        task: record.task,
        provider: record.provider,
        model: record.model,
        input_tokens: record.inputTokens,
        output_tokens: record.outputTokens,
        cost_usd: record.costUsd,
        latency_ms: Math.round(record.latencyMs),
        cache_hit: record.cacheHit,
        outcome: record.outcome,
        error_code: record.errorCode ?? null,
        at: record.at,
      })
      .execute();
  };
}
