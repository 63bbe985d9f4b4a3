export { createLlmGateway } from './gateway/create-llm-gateway.js';
export type { LlmGateway } from './gateway/create-llm-gateway.js';
export type { CacheOptions, LimitsOption, LlmGatewayOptions } from './gateway/gateway-context.js';
export type { LlmObjectRequest } from './gateway/generate-object.js';
export type { ProviderCheck, ProviderHealth } from './gateway/provider-admin.js';
export { BUILTIN_PROVIDER_ID } from './config/gateway-config.js';
export type { ModelPrice, ModelRef, OrgLimits, ProviderConfig, ResilienceConfig, RoutingConfig, TaskRoute } from './config/gateway-config.js';
export { REQUEST_LIMITS } from './config/request-limits.js';
export { LLM_ERROR_CODES, LlmError, isRetryable } from './llm-error.js';
export type { LlmErrorCode } from './llm-error.js';
export { buildMessages } from './prompt/build-messages.js';
export type { BuildMessagesInput, BuiltPrompt } from './prompt/build-messages.js';
export { createLruCacheStore } from './cache/lru-cache-store.js';
export type { LruCacheStoreOptions } from './cache/lru-cache-store.js';
export { createRedisCacheStore } from './cache/redis-cache-store.js';
export type { RedisCacheStoreOptions } from './cache/redis-cache-store.js';
export type { CachedResponse, CacheStore } from './cache/cache-store.js';
export { budgetPeriodStart, createInMemoryUsageStore } from './usage/usage-store.js';
export type { UsageStore } from './usage/usage-store.js';
export { DEFAULT_MODEL_PRICES } from './usage/price-table.js';
export { summariseUsage } from './usage/summarise-usage.js';
export type { UsageDimension, UsageTotals } from './usage/summarise-usage.js';
export { countTokens } from './usage/token-counter.js';
export { computeBackoffMs, parseRetryAfterMs } from './resilience/backoff.js';
export type { BreakerState } from './resilience/circuit-breaker.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
export type { LlmLogger } from './logger.js';
export { LLM_TASKS } from './types.js';
export type {
  AttemptSummary,
  BuiltinEngine,
  BuiltinInput,
  BuiltinOutput,
  ChatMessage,
  LlmNotice,
  LlmObjectResult,
  LlmRequest,
  LlmTask,
  LlmTextResult,
  LlmTextStream,
  LlmTool,
  LlmWarning,
  TokenUsage,
  ToolCallSummary,
  UsageOutcome,
  UsageRecord,
  UsageSink,
} from './types.js';
