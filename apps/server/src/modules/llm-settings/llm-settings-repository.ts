import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { LlmProvidersTable } from './llm-settings-tables.js';

/** A provider as stored: the API key already sealed. */
export interface StoredProvider {
  id: string;
  kind: LlmProvidersTable['kind'];
  baseUrl: string | null;
  apiKeyEncrypted: string | null;
  defaultModel: string | null;
  largeModel: string | null;
}

/** Which of the organisation's providers have a stored API key. */
export function listProviderKeys(db: Db, orgId: string) {
  return db.selectFrom('llm_providers').select(['id', 'api_key_encrypted']).where('org_id', '=', orgId).execute();
}

export function listProviders(db: Db, orgId: string) {
  return db.selectFrom('llm_providers').selectAll().where('org_id', '=', orgId).execute();
}

/**
 * In one transaction: replaces the organisation's providers (when given) and its models per task and
 * limits (each kept as stored when not given).
 */
export async function saveLlmSettings(db: Db, orgId: string, userId: string | null, change: { providers?: StoredProvider[]; taskModels?: unknown; limits?: unknown }) {
  await db.transaction().execute(async (trx) => {
    if (change.providers) {
      await trx.deleteFrom('llm_providers').where('org_id', '=', orgId).execute();
      for (const p of change.providers) {
        await trx.insertInto('llm_providers').values({ org_id: orgId, id: p.id, kind: p.kind, base_url: p.baseUrl, api_key_encrypted: p.apiKeyEncrypted, default_model: p.defaultModel, large_model: p.largeModel, updated_by: userId }).execute();
      }
    }
    if (change.taskModels || change.limits) {
      const current = await trx.selectFrom('llm_org_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();
      const values = { task_models: JSON.stringify(change.taskModels ?? current?.task_models ?? {}), limits: JSON.stringify(change.limits ?? current?.limits ?? {}) };
      await trx.insertInto('llm_org_settings').values({ org_id: orgId, ...values }).onConflict((oc) => oc.column('org_id').doUpdateSet({ ...values, updated_at: new Date() })).execute();
    }
  });
}

/** Calls, tokens, cost, cache hits and latency since `from`: in total (key null), or by model, user or conversation (top 50 by cost). */
export async function usageReport(db: Db, orgId: string, from: Date | null, key: 'model' | 'user_id' | 'conversation_id' | null) {
  let query = db.selectFrom('llm_usage').where('org_id', '=', orgId);
  if (from) query = query.where('at', '>=', from);
  const keyExpr = key === 'model' ? sql<string | null>`coalesce(provider || '/' || model, provider)` : key ? sql<string | null>`${sql.ref(key)}::text` : sql<string | null>`null`;
  let select = query.select([
    keyExpr.as('key'),
    sql<string>`count(*)`.as('calls'), sql<string>`coalesce(sum(input_tokens), 0)`.as('input'), sql<string>`coalesce(sum(output_tokens), 0)`.as('output'),
    sql<string>`coalesce(sum(cost_usd), 0)`.as('cost'), sql<string>`count(*) FILTER (WHERE cache_hit)`.as('hits'), sql<string>`coalesce(avg(latency_ms), 0)`.as('latency'),
  ]);
  if (key) select = select.groupBy(keyExpr).orderBy(sql`sum(cost_usd)`, 'desc').limit(50);
  const rows = await select.execute();
  return rows.map((r) => ({ key: r.key, calls: Number(r.calls), inputTokens: Number(r.input), outputTokens: Number(r.output), costUsd: Number(r.cost), cacheHits: Number(r.hits), avgLatencyMs: Math.round(Number(r.latency)) }));
}
