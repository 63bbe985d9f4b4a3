import { describe, expect, it } from 'vitest';
import { createInMemoryUsageStore, LlmError, summariseUsage } from '../src/index.js';
import { useWireServer } from './support/recorded-wire-server.js';
import { testGateway, userRequest } from './support/test-gateway.js';

const server = useWireServer((s) => {
  s.on('POST', '/v1/chat/completions', { fixture: 'openai/chat-completion.json' });
});

const openai = () => ({ id: 'openai', kind: 'openai' as const, apiKey: 'sk-test-openai-0123456789', baseURL: `${server.url}/v1`, defaultModel: 'gpt-4o-mini' });
// One call of the recorded completion costs 41 × $0.15 + 23 × $0.60 per million tokens.
const CALL_COST = (41 * 0.15 + 23 * 0.6) / 1e6;

describe('budgets', () => {
  it('refuses with BUDGET_EXCEEDED before any request reaches the provider once the hard budget is spent (recorded wire-protocol server)', async () => {
    const usageStore = createInMemoryUsageStore();
    const { gateway, clock, records } = testGateway({ providers: [openai()], usageStore, limits: { orgs: { 'org-acme': { hardBudgetUsd: 25 } } } });
    await usageStore.addSpendUsd('org-acme', Date.UTC(2025, 5, 1), 25);
    expect(new Date(clock.now()).getUTCMonth()).toBe(5);

    const error = await gateway.generateText(userRequest('hello')).catch((e: unknown) => e);

    expect(LlmError.isInstance(error) && error.code).toBe('BUDGET_EXCEEDED');
    expect((error as Error).message).toMatch(/spent \$25\.00 of its \$25\.00 monthly LLM budget/);
    expect(server.requests).toHaveLength(0);
    expect(records).toEqual([expect.objectContaining({ outcome: 'refused', errorCode: 'BUDGET_EXCEEDED', provider: null, costUsd: 0 })]);
    // Streaming refuses the same way.
    await expect(gateway.streamText(userRequest('hello')).result).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' });
    expect(server.requests).toHaveLength(0);
  });

  it('stops an org once its own calls reach the hard budget, and other orgs carry on (recorded wire-protocol server)', async () => {
    const { gateway } = testGateway({ providers: [openai()], cache: false, limits: { default: { hardBudgetUsd: CALL_COST * 1.5 } } });

    await gateway.generateText(userRequest('one'));
    await gateway.generateText(userRequest('two'));
    await expect(gateway.generateText(userRequest('three'))).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' });
    await gateway.generateText(userRequest('one', { orgId: 'org-globex' }));

    expect(server.requests).toHaveLength(3);
  });

  it('starts a new budget with the next period (recorded wire-protocol server)', async () => {
    const { gateway, clock } = testGateway({ providers: [openai()], cache: false, limits: { default: { hardBudgetUsd: CALL_COST / 2, budgetPeriod: 'day' } } });

    await gateway.generateText(userRequest('one'));
    await expect(gateway.generateText(userRequest('two'))).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' });
    clock.advance(24 * 3600_000);
    await gateway.generateText(userRequest('three'));

    expect(server.requests).toHaveLength(2);
  });

  it('flags results past the soft budget and logs the warning once (recorded wire-protocol server)', async () => {
    const { gateway, logger } = testGateway({ providers: [openai()], cache: false, limits: { default: { softBudgetUsd: CALL_COST / 2, hardBudgetUsd: 100 } } });

    const first = await gateway.generateText(userRequest('one'));
    const second = await gateway.generateText(userRequest('two'));
    const third = await gateway.generateText(userRequest('three'));

    expect(first.warnings).toEqual([]);
    expect(second.warnings).toEqual([expect.objectContaining({ code: 'BUDGET_SOFT_LIMIT' })]);
    expect(third.warnings).toHaveLength(1);
    expect(logger.lines.filter((l) => /soft LLM budget/.test(l.message ?? ''))).toHaveLength(1);
  });

  it('reads limits from a function, e.g. the org settings in the database (recorded wire-protocol server)', async () => {
    const { gateway } = testGateway({ providers: [openai()], limits: async (orgId) => (orgId === 'org-frozen' ? { hardBudgetUsd: 0 } : undefined) });

    await gateway.generateText(userRequest('hello'));
    await expect(gateway.generateText(userRequest('hello', { orgId: 'org-frozen' }))).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' });
  });
});

describe('per-org rate limit', () => {
  it('refuses past the requests-per-minute limit with a retry hint, and allows again a minute later (recorded wire-protocol server)', async () => {
    const { gateway, clock } = testGateway({ providers: [openai()], limits: { default: { requestsPerMinute: 2 } } });

    await gateway.generateText(userRequest('one'));
    await gateway.generateText(userRequest('two'));
    const error = await gateway.generateText(userRequest('three')).catch((e: unknown) => e);
    await gateway.generateText(userRequest('one', { orgId: 'org-globex' }));

    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', isRetryable: true });
    expect((error as LlmError).retryAfterMs).toBeGreaterThan(0);
    expect((error as LlmError).retryAfterMs).toBeLessThanOrEqual(60_000);
    clock.advance(120_000);
    await gateway.generateText(userRequest('four'));
    expect(server.requests).toHaveLength(4);
  });
});

describe('cost attribution', () => {
  it('records every call with org, user, conversation and app, so cost adds up per each (recorded wire-protocol server)', async () => {
    const { gateway, records } = testGateway({ providers: [openai()], cache: false });

    await gateway.generateText(userRequest('a', { userId: 'user-ada', conversationId: 'conv-1', appId: 'app-invoices' }));
    await gateway.generateText(userRequest('b', { userId: 'user-ada', conversationId: 'conv-2', appId: 'app-invoices' }));
    await gateway.generateText(userRequest('c', { userId: 'user-bob', conversationId: 'conv-3', appId: 'app-leave' }));

    expect(records).toHaveLength(3);
    expect(records[0]).toMatchObject({ task: 'chat', provider: 'openai', model: 'gpt-4o-mini', outcome: 'success', cacheHit: false });
    expect(records[0]!.latencyMs).toBeGreaterThan(0);
    const byUser = summariseUsage(records, 'userId');
    expect(byUser.get('user-ada')!.costUsd).toBeCloseTo(2 * CALL_COST, 12);
    expect(byUser.get('user-bob')!.costUsd).toBeCloseTo(CALL_COST, 12);
    expect(summariseUsage(records, 'appId').get('app-invoices')!.calls).toBe(2);
    expect(summariseUsage(records, 'conversationId').size).toBe(3);
    expect(summariseUsage(records, 'orgId').get('org-acme')).toMatchObject({ calls: 3, inputTokens: 123, outputTokens: 69 });
  });

  it('uses price overrides from the config (recorded wire-protocol server)', async () => {
    const { gateway } = testGateway({ providers: [openai()], prices: { 'openai/gpt-4o-mini': { inputUsdPerMillion: 1000, outputUsdPerMillion: 0 } } });

    const result = await gateway.generateText(userRequest('hello'));

    expect(result.costUsd).toBeCloseTo(0.041, 9);
  });

  it('keeps answering when the usage sink throws (recorded wire-protocol server)', async () => {
    const { gateway, logger } = testGateway({
      providers: [openai()],
      usageSink: () => {
        throw new Error('database is down');
      },
    });

    const result = await gateway.generateText(userRequest('hello'));

    expect(result.provider).toBe('openai');
    expect(logger.lines.some((l) => l.level === 'error' && /usage sink failed/.test(l.message ?? ''))).toBe(true);
  });
});
