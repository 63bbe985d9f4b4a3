import { createLruCacheStore } from '../cache/lru-cache-store.js';
import type { CacheStore } from '../cache/cache-store.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import {
  modelPriceSchema,
  orgLimitsSchema,
  parseConfig,
  providerConfigSchema,
  resilienceConfigSchema,
  routingConfigSchema,
  type ModelPrice,
  type OrgLimits,
  type ProviderConfig,
  type ResilienceConfig,
  type ResolvedOrgLimits,
  type ResolvedProviderConfig,
  type ResolvedResilienceConfig,
  type ResolvedRoutingConfig,
  type RoutingConfig,
  type TaskRoute,
} from '../config/gateway-config.js';
import { LlmError, type LlmErrorCode } from '../llm-error.js';
import { silentLogger, type LlmLogger } from '../logger.js';
import { createProviderRuntime, type ProviderRuntime } from '../providers/provider-runtime.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { createPriceTable, type PriceTable } from '../usage/price-table.js';
import { createInMemoryUsageStore, type UsageStore } from '../usage/usage-store.js';
import { LLM_TASKS, type BuiltinEngine, type LlmTask, type UsageSink } from '../types.js';
import { z } from 'zod';

export interface CacheOptions {
  /** Default true. */
  enabled?: boolean;
  /** Default: an in-process LRU (`createLruCacheStore`); pass `createRedisCacheStore` to share. */
  store?: CacheStore;
  /** How long an answer is reused (default one hour). */
  ttlMs?: number;
  /** Tasks whose answers are cached (default: all). */
  tasks?: LlmTask[];
}

/** Per-org budgets and rate limits: one table, or a function (e.g. reading the org's settings). */
export type LimitsOption =
  | { default?: OrgLimits; orgs?: Record<string, OrgLimits> }
  | ((orgId: string) => OrgLimits | undefined | Promise<OrgLimits | undefined>);

export interface LlmGatewayOptions {
  providers?: ProviderConfig[];
  /** The offline engine: last resort of every chain, and the only one when no provider is configured. */
  builtin: BuiltinEngine;
  routing?: RoutingConfig;
  resilience?: ResilienceConfig;
  cache?: CacheOptions | false;
  limits?: LimitsOption;
  /** Budget and rate-limit state (default: in this process). */
  usageStore?: UsageStore;
  /** Receives one record per provider call, cache hit, built-in answer or refusal. */
  usageSink?: UsageSink;
  /** Price overrides in USD per million tokens, keyed by `provider/model`, model id or id prefix. */
  prices?: Record<string, ModelPrice>;
  logger?: LlmLogger;
  clock?: Clock;
  /** Source of jitter, in [0, 1) (default Math.random). */
  random?: () => number;
}

export interface ProviderHealthState {
  lastSuccessAt?: number;
  lastFailureAt?: number;
  lastErrorCode?: LlmErrorCode;
}

export interface ProviderState {
  config: ResolvedProviderConfig;
  runtime: ProviderRuntime;
  breaker: CircuitBreaker;
  health: ProviderHealthState;
}

export interface GatewayContext {
  providers: Map<string, ProviderState>;
  providerOrder: string[];
  routing: ResolvedRoutingConfig;
  resilience: ResolvedResilienceConfig;
  cache: { store: CacheStore; ttlMs: number; tasks: ReadonlySet<LlmTask> } | undefined;
  limitsFor(orgId: string): Promise<ResolvedOrgLimits | undefined>;
  usageStore: UsageStore;
  usageSink: UsageSink | undefined;
  prices: PriceTable;
  builtin: BuiltinEngine;
  logger: LlmLogger;
  clock: Clock;
  random: () => number;
  /** Every configured API key, for scrubbing text that leaves the gateway. */
  secrets: string[];
  /** Things said once per process: soft-budget warnings per org and period, unknown prices. */
  saidOnce: Set<string>;
}

const cacheOptionsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  store: z.custom<CacheStore>((v) => typeof v === 'object' && v !== null && 'get' in v && 'set' in v, 'store must implement CacheStore (get, set)').optional(),
  ttlMs: z.number().int().min(1).default(3_600_000),
  tasks: z.array(z.enum(LLM_TASKS)).optional(),
});

function resolveLimits(option: LimitsOption | undefined): (orgId: string) => Promise<ResolvedOrgLimits | undefined> {
  if (option === undefined) return () => Promise.resolve(undefined);
  if (typeof option === 'function') {
    return async (orgId) => {
      const raw = await option(orgId);
      return raw === undefined ? undefined : parseConfig(orgLimitsSchema, raw, `limits for org "${orgId}"`);
    };
  }
  const table = new Map<string, ResolvedOrgLimits>();
  for (const [orgId, raw] of Object.entries(option.orgs ?? {})) table.set(orgId, parseConfig(orgLimitsSchema, raw, `limits.orgs["${orgId}"]`));
  const fallback = option.default === undefined ? undefined : parseConfig(orgLimitsSchema, option.default, 'limits.default');
  return (orgId) => Promise.resolve(table.get(orgId) ?? fallback);
}

/** Validates the options once and builds everything calls share. Throws CONFIG_INVALID. */
export function createGatewayContext(options: LlmGatewayOptions): GatewayContext {
  if (typeof options.builtin !== 'function') {
    throw new LlmError('CONFIG_INVALID', 'The LLM gateway needs `builtin`: the offline engine function used when no provider can answer.');
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const resilience = parseConfig(resilienceConfigSchema, options.resilience, 'resilience config');
  const routing = parseConfig(routingConfigSchema, options.routing, 'routing config');
  const providerConfigs = parseConfig(z.array(providerConfigSchema), options.providers ?? [], 'providers config');
  const prices = parseConfig(z.record(z.string(), modelPriceSchema), options.prices ?? {}, 'prices table');

  const providers = new Map<string, ProviderState>();
  for (const config of providerConfigs) {
    if (providers.has(config.id)) throw new LlmError('CONFIG_INVALID', `Two providers have the id "${config.id}"; give each a unique id.`);
    const breaker = new CircuitBreaker({
      failureThreshold: resilience.breakerFailureThreshold,
      cooldownMs: resilience.breakerCooldownMs,
      clock,
      onStateChange: (from, to) => logger.warn({ component: 'llm-gateway', provider: config.id, from, to }, `circuit breaker of provider "${config.id}" is now ${to}`),
    });
    providers.set(config.id, { config, runtime: createProviderRuntime(config), breaker, health: {} });
  }
  const routes: [string, TaskRoute | undefined][] = Object.entries(routing.tasks).map(([task, route]) => [`routing.tasks.${task}`, route]);
  if (routing.default) routes.push(['routing.default', routing.default]);
  for (const [where, route] of routes) {
    for (const ref of [...(route?.small ?? []), ...(route?.large ?? [])]) {
      if (!providers.has(ref.provider)) {
        const known = [...providers.keys()].join(', ') || 'none';
        throw new LlmError('CONFIG_INVALID', `${where} names provider "${ref.provider}", which is not configured (configured: ${known}).`);
      }
    }
  }

  let cache: GatewayContext['cache'];
  if (options.cache !== false) {
    const parsed = parseConfig(cacheOptionsSchema, options.cache ?? {}, 'cache config');
    if (parsed.enabled) cache = { store: parsed.store ?? createLruCacheStore(), ttlMs: parsed.ttlMs, tasks: new Set(parsed.tasks ?? LLM_TASKS) };
  }

  return {
    providers,
    providerOrder: providerConfigs.map((c) => c.id),
    routing,
    resilience,
    cache,
    limitsFor: resolveLimits(options.limits),
    usageStore: options.usageStore ?? createInMemoryUsageStore(),
    usageSink: options.usageSink,
    prices: createPriceTable(prices),
    builtin: options.builtin,
    logger,
    clock,
    random: options.random ?? Math.random,
    secrets: [...providers.values()].flatMap((p) => p.runtime.secrets),
    saidOnce: new Set(),
  };
}
