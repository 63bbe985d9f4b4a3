import type { ModelRef, ResolvedProviderConfig, ResolvedRoutingConfig, TaskRoute } from '../config/gateway-config.js';
import type { ChatMessage, LlmTask } from '../types.js';

export type RequestSize = 'small' | 'large';

/** Cheap size estimate for routing (about four characters per token); exact counts come later. */
export function estimateRequestSize(system: string, messages: readonly ChatMessage[], routing: ResolvedRoutingConfig): RequestSize {
  if (messages.length > routing.largeAboveTurns) return 'large';
  let chars = system.length;
  for (const message of messages) chars += message.content.length;
  return Math.ceil(chars / 4) > routing.largeAboveInputTokens ? 'large' : 'small';
}

/**
 * The route of a task: its own, else the routing default, else every provider in config order
 * with its `defaultModel` (and `largeModel` for large requests).
 */
export function routeForTask(task: LlmTask, routing: ResolvedRoutingConfig, providers: readonly ResolvedProviderConfig[]): TaskRoute {
  const own = routing.tasks[task] ?? routing.default;
  if (own) return own;
  const small: ModelRef[] = [];
  const large: ModelRef[] = [];
  for (const provider of providers) {
    if (provider.defaultModel) small.push({ provider: provider.id, model: provider.defaultModel });
    if (provider.largeModel) large.push({ provider: provider.id, model: provider.largeModel });
  }
  return { small, large, size: 'auto' };
}

/**
 * The ordered fallback chain for one request (without the built-in engine, which the gateway
 * always appends): the list matching the request size first, then the other, without repeats.
 */
export function selectCandidates(route: TaskRoute, size: RequestSize): ModelRef[] {
  const wantLarge = route.size === 'large' || (route.size === 'auto' && size === 'large');
  const ordered = wantLarge ? [...route.large, ...route.small] : [...route.small, ...route.large];
  const seen = new Set<string>();
  const out: ModelRef[] = [];
  for (const ref of ordered) {
    const key = `${ref.provider}\u0000${ref.model}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ref);
  }
  return out;
}
