import { requestCacheKey } from '../cache/request-cache-key.js';
import type { ModelRef } from '../config/gateway-config.js';
import type { CallPlan } from './call-plan.js';
import type { GatewayContext } from './gateway-context.js';

/** Returns the cache-key function for a call, or undefined when its task is not cached. */
export function planCacheKey(ctx: GatewayContext, plan: CallPlan, schemaJson?: string): ((ref: ModelRef) => string) | undefined {
  if (!ctx.cache || !ctx.cache.tasks.has(plan.request.task)) return undefined;
  // A tool-using answer depends on what the tools said at the time: it is neither served from nor stored in the cache.
  if (plan.request.tools?.length) return undefined;
  const { request } = plan;
  const keys = new Map<string, string>();
  return (ref) => {
    const id = `${ref.provider}\u0000${ref.model}`;
    let key = keys.get(id);
    if (key === undefined) keys.set(id, (key = compute(ref)));
    return key;
  };
  function compute(ref: ModelRef): string {
    return requestCacheKey({
      orgId: request.orgId,
      provider: ref.provider,
      model: ref.model,
      system: request.system,
      messages: request.messages,
      ...(schemaJson === undefined ? {} : { schema: schemaJson }),
      ...(plan.temperature === undefined ? {} : { temperature: plan.temperature }),
      ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
    });
  }
}
