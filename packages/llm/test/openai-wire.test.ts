import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useWireServer } from './support/recorded-wire-server.js';
import { BUILTIN_TEXT, recordingBuiltin, SYSTEM, testGateway, userRequest } from './support/test-gateway.js';

const appIdea = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  kind: z.enum(['api-service', 'web-dashboard', 'form-app', 'automation', 'data-tool']),
  summary: z.string(),
});

const server = useWireServer();

function openai(extra: Record<string, unknown> = {}) {
  return { id: 'openai', kind: 'openai' as const, apiKey: 'sk-test-openai-0123456789', baseURL: `${server.url}/v1`, defaultModel: 'gpt-4o-mini', ...extra };
}

describe('OpenAI Chat Completions', () => {
  it('returns the answer with usage and cost, sending the system prompt and key as the API expects (recorded wire-protocol server)', async () => {
    server.on('POST', '/v1/chat/completions', { fixture: 'openai/chat-completion.json' });
    const { gateway, records } = testGateway({ providers: [openai()] });

    const result = await gateway.generateText(userRequest('I need something to track unpaid invoices'));

    expect(result.text).toMatch(/^A web dashboard that lists open invoices/);
    expect(result).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', cacheHit: false, usage: { inputTokens: 41, outputTokens: 23, estimated: false } });
    expect(result.costUsd).toBeCloseTo((41 * 0.15 + 23 * 0.6) / 1e6, 12);
    const [sent] = server.requestsTo('/v1/chat/completions');
    expect(sent!.headers.authorization).toBe('Bearer sk-test-openai-0123456789');
    expect(sent!.body.model).toBe('gpt-4o-mini');
    expect(sent!.body.messages).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'I need something to track unpaid invoices' },
    ]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ orgId: 'org-acme', userId: 'user-ada', conversationId: 'conv-1', provider: 'openai', outcome: 'success', inputTokens: 41, outputTokens: 23, cacheHit: false });
  });

  it('streams the deltas of an SSE response, then resolves the final result with usage (recorded wire-protocol server)', async () => {
    server.on('POST', '/v1/chat/completions', { fixture: 'openai/chat-completion-stream.sse', chunkDelayMs: 5 });
    const { gateway } = testGateway({ providers: [openai()] });

    const stream = gateway.streamText(userRequest('I need something to track unpaid invoices'));
    const deltas: string[] = [];
    for await (const delta of stream) deltas.push(delta);
    const result = await stream.result;

    expect(deltas).toEqual(['A web', ' dashboard', ' that lists', ' open invoices', ' by customer', '.']);
    expect(result.text).toBe(deltas.join(''));
    expect(result.usage).toEqual({ inputTokens: 41, outputTokens: 9, estimated: false });
    const [sent] = server.requestsTo('/v1/chat/completions');
    expect(sent!.body.stream).toBe(true);
  });

  it('asks for a json_schema response_format and returns the validated object (recorded wire-protocol server)', async () => {
    server.on('POST', '/v1/chat/completions', { fixture: 'openai/chat-completion-json-schema.json' });
    const { gateway } = testGateway({ providers: [openai()] });

    const result = await gateway.generateObject({ ...userRequest('track unpaid invoices'), task: 'spec-extraction', schema: appIdea });

    expect(result.object).toEqual({ name: 'invoice-tracker', kind: 'web-dashboard', summary: 'Lists open invoices by customer and flags overdue ones.' });
    expect(result.notice).toBeUndefined();
    const [sent] = server.requestsTo('/v1/chat/completions');
    expect(sent!.body.response_format.type).toBe('json_schema');
    expect(sent!.body.response_format.json_schema.schema.required).toEqual(['name', 'kind', 'summary']);
  });

  it('retries once after output that fails the schema, telling the model what was wrong (recorded wire-protocol server)', async () => {
    server.on('POST', '/v1/chat/completions', { fixture: 'openai/chat-completion-json-schema-invalid.json' }, { fixture: 'openai/chat-completion-json-schema.json' });
    const { gateway, records } = testGateway({ providers: [openai()] });

    const result = await gateway.generateObject({ ...userRequest('track unpaid invoices'), task: 'spec-extraction', schema: appIdea });

    expect(result.object.name).toBe('invoice-tracker');
    expect(result.provider).toBe('openai');
    const sent = server.requestsTo('/v1/chat/completions');
    expect(sent).toHaveLength(2);
    const retryMessages = sent[1]!.body.messages as { role: string; content: string }[];
    expect(retryMessages[0]).toEqual({ role: 'system', content: SYSTEM });
    expect(retryMessages.at(-2)).toEqual({ role: 'assistant', content: '{"name":"Invoice Tracker","kind":"spreadsheet"}' });
    expect(retryMessages.at(-1)!.content).toMatch(/does not match the required JSON schema \(.*kind/);
    // The invalid answer still cost tokens, and is attributed like any other call.
    expect(records.map((r) => r.outcome)).toEqual(['invalid-output', 'success']);
    expect(records[0]!.costUsd).toBeGreaterThan(0);
  });

  it('answers with the built-in engine and notice llm-output-invalid after a second invalid answer (a tool call instead of JSON) (recorded wire-protocol server)', async () => {
    server.on('POST', '/v1/chat/completions', { fixture: 'openai/chat-completion-json-schema-invalid.json' }, { fixture: 'openai/chat-completion-tool-call.json' });
    const builtin = recordingBuiltin({ name: 'invoices', kind: 'web-dashboard', summary: 'From the built-in engine.' });
    const { gateway } = testGateway({ providers: [openai()], builtin });

    const result = await gateway.generateObject({ ...userRequest('track unpaid invoices'), task: 'spec-extraction', schema: appIdea });

    expect(server.requestsTo('/v1/chat/completions')).toHaveLength(2);
    expect(builtin.calls).toBe(1);
    expect(result).toMatchObject({ provider: 'builtin', notice: 'llm-output-invalid', object: { name: 'invoices', summary: 'From the built-in engine.' } });
    expect(result.attempts.map((a) => a.outcome)).toEqual(['invalid-output', 'invalid-output', 'success']);
  });

  it('counts tokens itself when an OpenAI-compatible server reports no usage, and sends no Authorization header without a key (recorded wire-protocol server)', async () => {
    server.on('POST', '/v1/chat/completions', { fixture: 'openai/chat-completion-no-usage.json' });
    const { gateway, logger } = testGateway({
      providers: [{ id: 'vllm', kind: 'openai-compatible', baseURL: `${server.url}/v1`, defaultModel: 'qwen2.5-7b-instruct' }],
    });

    const first = await gateway.generateText(userRequest('a form for leave requests'));
    await gateway.generateText(userRequest('a form for leave requests, approved by my manager'));

    expect(first.text).toBe('The form app collects leave requests and emails the approver.');
    expect(first.usage.estimated).toBe(true);
    expect(first.usage.inputTokens).toBeGreaterThan(10);
    expect(first.usage.outputTokens).toBeGreaterThanOrEqual(9);
    expect(first.usage.outputTokens).toBeLessThanOrEqual(14);
    expect(first.costUsd).toBe(0);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(logger.lines.filter((l) => /no price known/.test(l.message ?? ''))).toHaveLength(1);
  });

  it('sends an Azure-style api-key header instead of a bearer token when configured (recorded wire-protocol server)', async () => {
    server.on('POST', '/openai/v1/chat/completions', { fixture: 'openai/chat-completion.json' });
    const { gateway } = testGateway({
      providers: [{ id: 'azure', kind: 'openai-compatible', baseURL: `${server.url}/openai/v1`, apiKey: 'azure-key-0123456789', apiKeyHeader: 'api-key', defaultModel: 'gpt-4o-mini' }],
    });

    await gateway.generateText(userRequest('hello'));

    const [sent] = server.requests;
    expect(sent!.headers['api-key']).toBe('azure-key-0123456789');
    expect(sent!.headers.authorization).toBeUndefined();
  });

  it('falls back to the built-in engine with notice providers-unavailable when the only provider keeps failing (recorded wire-protocol server)', async () => {
    server.on('POST', '/v1/chat/completions', { status: 500, fixture: 'openai/error-server.json' });
    const { gateway, clock } = testGateway({ providers: [openai()], resilience: { maxRetries: 1 } });

    const result = await gateway.generateText(userRequest('hello'));

    expect(result).toMatchObject({ text: BUILTIN_TEXT, provider: 'builtin', notice: 'providers-unavailable' });
    expect(server.requests).toHaveLength(2);
    expect(clock.sleeps).toHaveLength(1);
  });
});
