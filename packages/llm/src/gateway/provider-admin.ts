import { BUILTIN_PROVIDER_ID } from '../config/gateway-config.js';
import { LlmError, type LlmErrorCode } from '../llm-error.js';
import { listProviderModels } from '../providers/list-provider-models.js';
import type { BreakerState } from '../resilience/circuit-breaker.js';
import type { GatewayContext, ProviderState } from './gateway-context.js';

export interface ProviderCheck {
  at: string;
  ok: boolean;
  latencyMs: number;
  modelCount?: number;
  code?: LlmErrorCode;
  message?: string;
}

/** What an administrator sees per provider. Holds no credentials. */
export interface ProviderHealth {
  id: string;
  kind: 'openai' | 'openai-compatible' | 'anthropic' | 'ollama' | 'builtin';
  baseURL: string | null;
  defaultModel: string | null;
  largeModel: string | null;
  breaker: BreakerState;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastErrorCode: LlmErrorCode | null;
  lastCheck: ProviderCheck | null;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const lastChecks = new WeakMap<ProviderState, ProviderCheck>();

export function listProviders(ctx: GatewayContext): ProviderHealth[] {
  const configured = ctx.providerOrder.map((id): ProviderHealth => {
    const state = ctx.providers.get(id)!;
    return {
      id,
      kind: state.config.kind,
      baseURL: state.runtime.baseURL,
      defaultModel: state.config.defaultModel ?? null,
      largeModel: state.config.largeModel ?? null,
      breaker: state.breaker.state,
      consecutiveFailures: state.breaker.consecutiveFailures,
      lastSuccessAt: iso(state.health.lastSuccessAt),
      lastFailureAt: iso(state.health.lastFailureAt),
      lastErrorCode: state.health.lastErrorCode ?? null,
      lastCheck: lastChecks.get(state) ?? null,
    };
  });
  const builtin: ProviderHealth = {
    id: BUILTIN_PROVIDER_ID,
    kind: 'builtin',
    baseURL: null,
    defaultModel: BUILTIN_PROVIDER_ID,
    largeModel: null,
    breaker: 'closed',
    consecutiveFailures: 0,
    lastSuccessAt: null,
    lastFailureAt: null,
    lastErrorCode: null,
    lastCheck: null,
  };
  return [...configured, builtin];
}

function stateOf(ctx: GatewayContext, id: string): ProviderState | undefined {
  if (id === BUILTIN_PROVIDER_ID) return undefined;
  const state = ctx.providers.get(id);
  if (!state) {
    const known = [...ctx.providerOrder, BUILTIN_PROVIDER_ID].join(', ');
    throw new LlmError('UNKNOWN_PROVIDER', `No provider has the id "${id}" (configured: ${known}).`);
  }
  return state;
}

/** The models a provider serves, asked live. */
export async function listModels(ctx: GatewayContext, id: string): Promise<string[]> {
  const state = stateOf(ctx, id);
  if (!state) return [BUILTIN_PROVIDER_ID];
  return listProviderModels(state.runtime, ctx.resilience.probeTimeoutMs);
}

/** A cheap live probe (listing models). The verdict is a value; it does not move the breaker. */
export async function checkProvider(ctx: GatewayContext, id: string): Promise<ProviderCheck & { id: string }> {
  const state = stateOf(ctx, id);
  const startedAt = performance.now();
  const at = new Date(ctx.clock.now()).toISOString();
  if (!state) return { id, at, ok: true, latencyMs: 0 };
  let check: ProviderCheck;
  try {
    const models = await listProviderModels(state.runtime, ctx.resilience.probeTimeoutMs);
    check = { at, ok: true, latencyMs: Math.round(performance.now() - startedAt), modelCount: models.length };
  } catch (error) {
    const llmError = LlmError.isInstance(error) ? error : new LlmError('PROVIDER_UNAVAILABLE', String(error));
    check = { at, ok: false, latencyMs: Math.round(performance.now() - startedAt), code: llmError.code, message: llmError.message };
    ctx.logger.warn({ component: 'llm-gateway', provider: id, code: llmError.code }, `provider check failed: ${llmError.message}`);
  }
  lastChecks.set(state, check);
  return { id, ...check };
}
