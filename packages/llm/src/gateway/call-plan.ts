import { randomUUID } from 'node:crypto';
import type { ModelRef } from '../config/gateway-config.js';
import { parseLlmRequest } from '../config/request-limits.js';
import { LlmError } from '../llm-error.js';
import { estimateRequestSize, routeForTask, selectCandidates } from '../routing/select-candidates.js';
import { budgetPeriodStart } from '../usage/usage-store.js';
import type { AttemptSummary, LlmRequest, LlmWarning } from '../types.js';
import type { GatewayContext } from './gateway-context.js';
import { recordUsage } from './record-usage.js';

/** Everything decided about one call before any provider is asked. */
export interface CallPlan {
  requestId: string;
  request: LlmRequest;
  candidates: ModelRef[];
  temperature: number | undefined;
  timeoutMs: number;
  firstTokenTimeoutMs: number;
  /** Start of the org's budget period, where this call's spend is added. */
  periodStartMs: number;
  warnings: LlmWarning[];
  attempts: AttemptSummary[];
  startedAt: number;
}

const MINUTE = 60_000;

function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}

/**
 * Validates the request, applies the org's rate limit and budget, and picks the fallback
 * chain. Refusals happen here, so a refused call never reaches a provider.
 */
export async function planCall(ctx: GatewayContext, raw: unknown, options: { tools?: boolean } = {}): Promise<CallPlan> {
  const startedAt = performance.now();
  const request = parseLlmRequest(raw);
  if (request.tools?.length && !options.tools) throw new LlmError('REQUEST_INVALID', 'Tools can be offered to generateText only; streamText and generateObject take no `tools`.');
  const requestId = randomUUID();
  const limits = await ctx.limitsFor(request.orgId);
  const now = ctx.clock.now();
  const periodStartMs = budgetPeriodStart(limits?.budgetPeriod ?? 'month', now);
  const refuse = async (error: LlmError): Promise<never> => {
    await recordUsage(ctx, { requestId, request, periodStartMs }, { provider: null, model: null, outcome: 'refused', errorCode: error.code, latencyMs: performance.now() - startedAt });
    throw error;
  };

  if (limits?.requestsPerMinute !== undefined) {
    // Sliding window over two fixed minutes: the previous minute counts by how much of it is still inside the last 60 s.
    const windowStart = Math.floor(now / MINUTE) * MINUTE;
    const [current, previous] = await Promise.all([
      ctx.usageStore.getRequestCount(request.orgId, windowStart),
      ctx.usageStore.getRequestCount(request.orgId, windowStart - MINUTE),
    ]);
    const weighted = current + previous * (1 - (now - windowStart) / MINUTE);
    if (weighted >= limits.requestsPerMinute) {
      await refuse(
        new LlmError('RATE_LIMITED', `Organisation "${request.orgId}" has reached its limit of ${limits.requestsPerMinute} LLM requests per minute; try again shortly.`, {
          retryAfterMs: windowStart + MINUTE - now,
        }),
      );
    }
    await ctx.usageStore.incrementRequestCount(request.orgId, windowStart);
  }

  const warnings: LlmWarning[] = [];
  if (limits && (limits.hardBudgetUsd !== undefined || limits.softBudgetUsd !== undefined)) {
    const spent = await ctx.usageStore.getSpendUsd(request.orgId, periodStartMs);
    const period = limits.budgetPeriod === 'day' ? 'daily' : 'monthly';
    if (limits.hardBudgetUsd !== undefined && spent >= limits.hardBudgetUsd) {
      await refuse(
        new LlmError(
          'BUDGET_EXCEEDED',
          `Organisation "${request.orgId}" has spent ${usd(spent)} of its ${usd(limits.hardBudgetUsd)} ${period} LLM budget; an administrator can raise hardBudgetUsd, or wait for the next period.`,
          { details: { spentUsd: spent, hardBudgetUsd: limits.hardBudgetUsd } },
        ),
      );
    }
    if (limits.softBudgetUsd !== undefined && spent >= limits.softBudgetUsd) {
      const message = `Organisation "${request.orgId}" has spent ${usd(spent)}, past its ${usd(limits.softBudgetUsd)} ${period} soft LLM budget.`;
      warnings.push({ code: 'BUDGET_SOFT_LIMIT', message });
      const once = `soft-budget\u0000${request.orgId}\u0000${periodStartMs}`;
      if (!ctx.saidOnce.has(once)) {
        ctx.saidOnce.add(once);
        ctx.logger.warn({ component: 'llm-gateway', orgId: request.orgId, spentUsd: spent, softBudgetUsd: limits.softBudgetUsd }, message);
      }
    }
  }

  const route = routeForTask(request.task, ctx.routing, ctx.providerOrder.map((id) => ctx.providers.get(id)!.config));
  const candidates = selectCandidates(route, estimateRequestSize(request.system, request.messages, ctx.routing));
  return {
    requestId,
    request,
    candidates,
    temperature: request.temperature ?? route.temperature,
    timeoutMs: route.timeoutMs ?? ctx.resilience.timeoutMs,
    firstTokenTimeoutMs: route.firstTokenTimeoutMs ?? ctx.resilience.firstTokenTimeoutMs,
    periodStartMs,
    warnings,
    attempts: [],
    startedAt,
  };
}
