import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useWireServer } from './support/recorded-wire-server.js';
import { SYSTEM, testGateway, userRequest } from './support/test-gateway.js';

const appIdea = z.object({ name: z.string(), kind: z.enum(['api-service', 'web-dashboard', 'form-app', 'automation', 'data-tool']), summary: z.string() });

const server = useWireServer();

const anthropic = (model = 'claude-haiku-4-5') => ({ id: 'anthropic', kind: 'anthropic' as const, apiKey: 'sk-ant-test-0123456789', baseURL: `${server.url}/v1`, defaultModel: model });

describe('Anthropic Messages', () => {
  it('returns the answer with usage and cost, with the system prompt in `system` and the key in x-api-key (recorded wire-protocol server)', async () => {
    server.on('POST', '/v1/messages', { fixture: 'anthropic/messages.json' });
    const { gateway } = testGateway({ providers: [anthropic()] });

    const result = await gateway.generateText(userRequest('watch supplier prices', { maxOutputTokens: 300 }));

    expect(result.text).toMatch(/^An automation that checks the supplier feed/);
    expect(result.usage).toEqual({ inputTokens: 52, outputTokens: 26, estimated: false });
    expect(result.costUsd).toBeCloseTo((52 * 1 + 26 * 5) / 1e6, 12);
    const [sent] = server.requests;
    expect(sent!.headers['x-api-key']).toBe('sk-ant-test-0123456789');
    expect(sent!.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent!.body).toMatchObject({ model: 'claude-haiku-4-5', max_tokens: 300, system: [{ type: 'text', text: SYSTEM }] });
    expect(sent!.body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'watch supplier prices' }] }]);
  });

  it('streams text deltas from SSE events and takes usage from message_delta (recorded wire-protocol server)', async () => {
    server.on('POST', '/v1/messages', { fixture: 'anthropic/messages-stream.sse', chunkDelayMs: 2 });
    const { gateway } = testGateway({ providers: [anthropic()] });

    const stream = gateway.streamText(userRequest('watch supplier prices'));
    const deltas: string[] = [];
    for await (const delta of stream) deltas.push(delta);
    const result = await stream.result;

    expect(deltas).toEqual(['An automation', ' that checks the supplier feed', ' every morning', ' and emails a summary', '.']);
    expect(result.usage).toEqual({ inputTokens: 52, outputTokens: 19, estimated: false });
    expect(server.requests[0]!.body.stream).toBe(true);
  });

  it('gets structured output through output_config.format on models that support it (recorded wire-protocol server)', async () => {
    server.on('POST', '/v1/messages', { fixture: 'anthropic/messages-json-output.json' });
    const { gateway } = testGateway({ providers: [anthropic()] });

    const result = await gateway.generateObject({ ...userRequest('watch supplier prices'), task: 'spec-extraction', schema: appIdea });

    expect(result.object).toEqual({ name: 'supplier-price-watch', kind: 'automation', summary: 'Checks the supplier feed every morning and emails price changes.' });
    expect(server.requests[0]!.body.output_config.format.type).toBe('json_schema');
  });

  it('gets structured output through the forced `json` tool call on older models (recorded wire-protocol server)', async () => {
    server.on('POST', '/v1/messages', { fixture: 'anthropic/messages-json-tool.json' });
    const { gateway } = testGateway({ providers: [anthropic('claude-3-5-haiku-20241022')] });

    const result = await gateway.generateObject({ ...userRequest('watch supplier prices'), task: 'spec-extraction', schema: appIdea });

    expect(result.object.kind).toBe('automation');
    expect(result.usage).toMatchObject({ inputTokens: 412, outputTokens: 71 });
    const body = server.requests[0]!.body;
    expect(body.tools.map((t: { name: string }) => t.name)).toEqual(['json']);
    // With `json` as the only tool, "any" forces the model to answer through it.
    expect(body.tool_choice).toMatchObject({ type: 'any' });
  });

  it('retries a 529 overloaded_error and a 429 rate_limit_error before succeeding (recorded wire-protocol server)', async () => {
    server.on(
      'POST',
      '/v1/messages',
      { status: 529, fixture: 'anthropic/error-overloaded.json' },
      { status: 429, headers: { 'retry-after': '1' }, fixture: 'anthropic/error-rate-limit.json' },
      { fixture: 'anthropic/messages.json' },
    );
    const { gateway, clock } = testGateway({ providers: [anthropic()] });

    const result = await gateway.generateText(userRequest('watch supplier prices'));

    expect(result.attempts.map((a) => a.errorCode ?? a.outcome)).toEqual(['PROVIDER_UNAVAILABLE', 'PROVIDER_RATE_LIMITED', 'success']);
    expect(clock.sleeps[1]).toBe(1000);
  });
});
