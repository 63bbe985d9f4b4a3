import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { LLM_TASKS } from '@marketplace/llm';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { withErrors } from '../../http/responses.js';
import { updateOrgSettings } from '../settings/org-settings.js';
import { listProviderKeys, listProviders, saveLlmSettings, usageReport } from './llm-settings-repository.js';

const ADMIN = { roles: ['admin' as const] };
const providerId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'use 1-63 lowercase letters, digits, ".", "_" or "-"').refine((id) => id !== 'builtin', '"builtin" is the built-in engine’s id');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:11434' });
const model = z.string().min(1).max(200);
const providerInput = z
  .object({ id: providerId, kind: z.enum(['openai', 'openai-compatible', 'anthropic', 'ollama']), baseUrl: httpUrl.optional(), apiKey: z.string().min(1).max(500).optional(), defaultModel: model.optional(), largeModel: model.optional() })
  .strict()
  .refine((p) => p.kind !== 'openai-compatible' || p.baseUrl, { message: 'an openai-compatible provider needs baseUrl (e.g. http://127.0.0.1:8000/v1)', path: ['baseUrl'] });
const limitsInput = z
  .object({ softBudgetUsd: z.number().min(0).optional(), hardBudgetUsd: z.number().min(0).optional(), budgetPeriod: z.enum(['day', 'month']).optional(), requestsPerMinute: z.number().int().min(1).max(100_000).optional() })
  .strict()
  .refine((l) => l.softBudgetUsd === undefined || l.hardBudgetUsd === undefined || l.softBudgetUsd <= l.hardBudgetUsd, { message: 'softBudgetUsd must not be above hardBudgetUsd' });
const putBody = z
  .object({
    providers: z.array(providerInput).max(10).optional(),
    active: providerId.nullable().optional(),
    taskModels: z.partialRecord(z.enum(LLM_TASKS), z.object({ provider: providerId, model }).strict()).optional(),
    limits: limitsInput.optional(),
  })
  .strict();
const providerView = z.object({
  id: z.string(), kind: z.string(), baseUrl: z.string().nullable(), defaultModel: z.string().nullable(), largeModel: z.string().nullable(), hasApiKey: z.boolean(),
  breaker: z.string(), lastSuccessAt: z.string().nullable(), lastFailureAt: z.string().nullable(), lastErrorCode: z.string().nullable(),
  check: z.object({ ok: z.boolean(), latencyMs: z.number(), code: z.string().optional(), message: z.string().optional() }).nullable(),
});
const settingsView = z.object({ source: z.enum(['org', 'environment', 'none']), active: z.string().nullable(), providers: z.array(providerView), taskModels: z.record(z.string(), z.object({ provider: z.string(), model: z.string() })), limits: z.record(z.string(), z.unknown()) });
const usageRow = z.object({ key: z.string().nullable(), calls: z.number(), inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number(), cacheHits: z.number(), avgLatencyMs: z.number() });

/** LLM providers, models per task, budgets and the usage report of the organisation (seed 003). */
export default async function llmSettingsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const registry = () => app.conversationServices.llm;

  async function view(orgId: string, check: boolean) {
    const settings = await registry().settingsFor(orgId);
    const gateway = await registry().gatewayFor(orgId);
    const health = gateway?.listProviders() ?? [];
    const stored = await listProviderKeys(app.db, orgId);
    const providers = await Promise.all(
      [...settings.providers.map((p) => p.id), 'builtin'].map(async (id) => {
        const config = settings.providers.find((p) => p.id === id);
        const state = health.find((h) => h.id === id);
        const probe = check && gateway && id !== 'builtin' ? await gateway.checkProvider(id) : null;
        return {
          id, kind: config?.kind ?? 'builtin', baseUrl: config && 'baseURL' in config ? (config.baseURL ?? null) : null, defaultModel: config?.defaultModel ?? (id === 'builtin' ? 'builtin' : null), largeModel: config?.largeModel ?? null,
          hasApiKey: settings.source === 'org' ? Boolean(stored.find((s) => s.id === id)?.api_key_encrypted) : Boolean(config && 'apiKey' in config && config.apiKey),
          breaker: state?.breaker ?? 'closed', lastSuccessAt: state?.lastSuccessAt ?? null, lastFailureAt: state?.lastFailureAt ?? null, lastErrorCode: state?.lastErrorCode ?? null,
          check: probe ? { ok: probe.ok, latencyMs: probe.latencyMs, ...(probe.code ? { code: probe.code } : {}), ...(probe.message ? { message: probe.message } : {}) } : id === 'builtin' ? { ok: true, latencyMs: 0 } : null,
        };
      }),
    );
    return { source: settings.source, active: settings.active, providers, taskModels: settings.taskModels, limits: settings.limits as Record<string, unknown> };
  }

  app.get('/llm/providers', {
    config: { auth: ADMIN },
    schema: { tags: ['llm'], summary: 'Providers, the active one, models per task, budgets and the health of each (`check=true` probes them live)', querystring: z.object({ check: z.enum(['true', 'false']).default('false') }).strict(), response: withErrors({ 200: settingsView }) },
    handler: async (request) => view(request.principal!.orgId, request.query.check === 'true'),
  });

  app.put('/llm/providers', {
    config: { auth: ADMIN, audit: 'llm.providers.update' },
    schema: { tags: ['llm'], summary: 'Set providers (API keys are stored encrypted and never returned), the active one, models per task and budgets', body: putBody, response: withErrors({ 200: settingsView }, [422]) },
    handler: async (request) => {
      const { orgId, userId } = request.principal!;
      const body = request.body;
      const existing = await listProviders(app.db, orgId);
      const ids = new Set((body.providers ?? existing).map((p) => p.id));
      for (const ref of [...(body.active ? [body.active] : []), ...Object.values(body.taskModels ?? {}).map((r) => r.provider)]) {
        if (!ids.has(ref)) throw new AppError('LLM_PROVIDER_UNKNOWN', 422, `Provider "${ref}" is not configured (configured: ${[...ids].join(', ') || 'none'}); add it under "providers" first.`);
      }
      for (const p of body.providers ?? []) {
        const old = existing.find((e) => e.id === p.id);
        if ((p.kind === 'openai' || p.kind === 'anthropic') && !p.apiKey && !old?.api_key_encrypted) throw new AppError('LLM_API_KEY_REQUIRED', 422, `Provider "${p.id}" (${p.kind}) needs apiKey.`);
      }
      const providers = body.providers?.map((p) => {
        const old = existing.find((e) => e.id === p.id);
        const sealed = p.apiKey ? registry().secrets.seal(p.apiKey, `${orgId}:${p.id}`) : (old?.api_key_encrypted ?? null);
        return { id: p.id, kind: p.kind, baseUrl: p.baseUrl ?? null, apiKeyEncrypted: sealed, defaultModel: p.defaultModel ?? null, largeModel: p.largeModel ?? null };
      });
      await saveLlmSettings(app.db, orgId, userId, { providers, taskModels: body.taskModels, limits: body.limits });
      if (body.active !== undefined) await updateOrgSettings(app.db, orgId, userId, { llm: { activeProvider: body.active } });
      registry().invalidate(orgId);
      request.auditInfo = { targetType: 'llm-settings', details: { providers: body.providers?.map((p) => ({ id: p.id, kind: p.kind, apiKeySet: Boolean(p.apiKey) })), active: body.active, taskModels: body.taskModels, limits: body.limits } };
      return view(orgId, false);
    },
  });

  app.get('/llm/models', {
    config: { auth: ADMIN },
    schema: { tags: ['llm'], summary: 'Models a provider serves, asked live', querystring: z.object({ provider: providerId.or(z.literal('builtin')) }).strict(), response: withErrors({ 200: z.object({ provider: z.string(), models: z.array(z.string()) }) }, [404, 502]) },
    handler: async (request) => {
      const { provider } = request.query;
      if (provider === 'builtin') return { provider, models: ['builtin'] };
      const gateway = await registry().gatewayFor(request.principal!.orgId);
      const settings = await registry().settingsFor(request.principal!.orgId);
      if (!gateway || !settings.providers.some((p) => p.id === provider)) throw new AppError('LLM_PROVIDER_UNKNOWN', 404, `Provider "${provider}" is not configured; see GET /api/v1/llm/providers.`);
      // An unreachable or refusing provider throws LlmError (PROVIDER_UNAVAILABLE, TIMEOUT, PROVIDER_AUTH_FAILED …);
      // errors/problem.ts answers with its code and status hint.
      return { provider, models: await gateway.listModels(provider) };
    },
  });

  app.get('/llm/usage', {
    config: { auth: ADMIN },
    schema: {
      tags: ['llm'],
      summary: 'Usage report: calls, tokens, cost, latency and cache hits by model, user and conversation',
      querystring: z.object({ period: z.enum(['day', 'week', 'month', 'all']).default('month') }).strict(),
      response: withErrors({ 200: z.object({ period: z.string(), from: z.string().nullable(), totals: usageRow, byModel: z.array(usageRow), byUser: z.array(usageRow), byConversation: z.array(usageRow) }) }),
    },
    handler: async (request) => {
      const { orgId } = request.principal!;
      const days = { day: 1, week: 7, month: 30, all: null }[request.query.period];
      const from = days === null ? null : new Date(Date.now() - days * 86_400_000);
      const group = (key: 'model' | 'user_id' | 'conversation_id' | null) => usageReport(app.db, orgId, from, key);
      const [totals, byModel, byUser, byConversation] = await Promise.all([group(null), group('model'), group('user_id'), group('conversation_id')]);
      return { period: request.query.period, from: from?.toISOString() ?? null, totals: totals[0]!, byModel, byUser, byConversation };
    },
  });
}
