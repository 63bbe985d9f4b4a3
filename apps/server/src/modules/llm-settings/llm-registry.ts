import { createLlmGateway, type LlmGateway, type OrgLimits, type ProviderConfig, type TaskRoute } from '@marketplace/llm';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { builtinEngine } from './builtin-engine.js';
import { createDbUsageSink, createDbUsageStore } from './llm-usage-repository.js';
import { createSecretBox, type SecretBox } from './secret-box.js';

export const DEFAULT_MODELS: Record<ProviderConfig['kind'], string> = { openai: 'gpt-4o-mini', 'openai-compatible': 'default', anthropic: 'claude-3-5-haiku-latest', ollama: 'llama3.2' };

export interface OrgLlmSettings {
  source: 'org' | 'environment' | 'none';
  providers: ProviderConfig[];
  active: string | null;
  taskModels: Record<string, { provider: string; model: string }>;
  limits: OrgLimits;
}

export interface LlmRegistry {
  /** The org's gateway, or null when no provider is configured (the built-in engine answers directly). */
  gatewayFor(orgId: string): Promise<LlmGateway | null>;
  settingsFor(orgId: string): Promise<OrgLlmSettings>;
  /** Forget the org's gateway after its settings change. */
  invalidate(orgId: string): void;
  secrets: SecretBox;
  close(): Promise<void>;
}

/** Providers from OPENAI_API_KEY / OPENAI_BASE_URL / ANTHROPIC_API_KEY / OLLAMA_BASE_URL, for orgs that set none. */
export function environmentProviders(config: Config): ProviderConfig[] {
  const providers: ProviderConfig[] = [];
  const { openaiApiKey, openaiBaseUrl, anthropicApiKey, ollamaBaseUrl } = config.llm;
  if (openaiApiKey) providers.push({ id: 'openai', kind: 'openai', apiKey: openaiApiKey, ...(openaiBaseUrl ? { baseURL: openaiBaseUrl } : {}), defaultModel: DEFAULT_MODELS.openai });
  else if (openaiBaseUrl) providers.push({ id: 'openai', kind: 'openai-compatible', baseURL: openaiBaseUrl, defaultModel: DEFAULT_MODELS['openai-compatible'] });
  if (anthropicApiKey) providers.push({ id: 'anthropic', kind: 'anthropic', apiKey: anthropicApiKey, defaultModel: DEFAULT_MODELS.anthropic });
  if (ollamaBaseUrl) providers.push({ id: 'ollama', kind: 'ollama', baseURL: ollamaBaseUrl, defaultModel: DEFAULT_MODELS.ollama });
  return providers;
}

export function createLlmRegistry(options: { db: Db; config: Config; logger?: FastifyBaseLogger }): LlmRegistry {
  const { db, config } = options;
  const secrets = createSecretBox(config.jwtSecret ?? 'development-secret-missing');
  const gateways = new Map<string, Promise<LlmGateway | null>>();
  const usageStore = createDbUsageStore(db);
  const usageSink = createDbUsageSink(db);

  async function settingsFor(orgId: string): Promise<OrgLlmSettings> {
    const rows = await db.selectFrom('llm_providers').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
    const org = await db.selectFrom('llm_org_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();
    const active = (await getOrgSettings(db, orgId)).llm.activeProvider;
    let providers: ProviderConfig[] = rows.map((row) => {
      const base = { id: row.id, ...(row.default_model ? { defaultModel: row.default_model } : { defaultModel: DEFAULT_MODELS[row.kind] }), ...(row.large_model ? { largeModel: row.large_model } : {}) };
      const apiKey = row.api_key_encrypted ? secrets.open(row.api_key_encrypted, `${orgId}:${row.id}`) : undefined;
      switch (row.kind) {
        case 'openai':
          return { ...base, kind: 'openai', apiKey: apiKey ?? '', ...(row.base_url ? { baseURL: row.base_url } : {}) };
        case 'openai-compatible':
          return { ...base, kind: 'openai-compatible', baseURL: row.base_url ?? '', ...(apiKey ? { apiKey } : {}) };
        case 'anthropic':
          return { ...base, kind: 'anthropic', apiKey: apiKey ?? '', ...(row.base_url ? { baseURL: row.base_url } : {}) };
        case 'ollama':
          return { ...base, kind: 'ollama', ...(row.base_url ? { baseURL: row.base_url } : {}) };
      }
    });
    const source = providers.length ? 'org' : environmentProviders(config).length ? 'environment' : 'none';
    if (!providers.length) providers = environmentProviders(config);
    if (active) providers.sort((a, b) => Number(b.id === active) - Number(a.id === active));
    return { source, providers, active: active ?? providers[0]?.id ?? null, taskModels: (org?.task_models as OrgLlmSettings['taskModels']) ?? {}, limits: (org?.limits as OrgLimits) ?? {} };
  }

  async function build(orgId: string): Promise<LlmGateway | null> {
    const settings = await settingsFor(orgId);
    if (!settings.providers.length) return null;
    const known = new Set(settings.providers.map((p) => p.id));
    const tasks: Record<string, TaskRoute> = {};
    for (const [task, ref] of Object.entries(settings.taskModels)) if (known.has(ref.provider)) tasks[task] = { small: [ref], large: [], size: 'auto' };
    return createLlmGateway({
      providers: settings.providers,
      builtin: builtinEngine,
      routing: { tasks },
      limits: { default: settings.limits },
      usageStore,
      usageSink,
      resilience: { timeoutMs: 30_000, maxRetries: 1, baseDelayMs: 100, maxDelayMs: 1000 },
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  return {
    secrets,
    settingsFor,
    gatewayFor(orgId) {
      let gateway = gateways.get(orgId);
      if (!gateway) {
        gateway = build(orgId);
        gateways.set(orgId, gateway);
        gateway.catch(() => gateways.delete(orgId));
      }
      return gateway;
    },
    invalidate(orgId) {
      const old = gateways.get(orgId);
      gateways.delete(orgId);
      void old?.then((g) => g?.close()).catch(() => {});
    },
    async close() {
      const all = [...gateways.values()];
      gateways.clear();
      await Promise.all(all.map((g) => g.then((x) => x?.close()).catch(() => {})));
    },
  };
}
