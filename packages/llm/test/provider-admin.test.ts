import { describe, expect, it } from 'vitest';
import { LlmError } from '../src/index.js';
import { useWireServer } from './support/recorded-wire-server.js';
import { testGateway, userRequest } from './support/test-gateway.js';

const server = useWireServer();

const OPENAI_KEY = 'sk-test-openai-SECRET-0123456789';
const ANTHROPIC_KEY = 'sk-ant-test-SECRET-9876543210';
const providers = () => [
  { id: 'openai', kind: 'openai' as const, apiKey: OPENAI_KEY, baseURL: `${server.url}/v1`, defaultModel: 'gpt-4o-mini' },
  { id: 'anthropic', kind: 'anthropic' as const, apiKey: ANTHROPIC_KEY, baseURL: `${server.url}/v1`, defaultModel: 'claude-haiku-4-5' },
  { id: 'ollama', kind: 'ollama' as const, baseURL: server.url, defaultModel: 'llama3.2' },
];

describe('provider administration', () => {
  it('lists the models of each kind of provider from its own API (recorded wire-protocol server)', async () => {
    server.on('GET', '/v1/models', { fixture: 'openai/models.json' });
    server.on('GET', '/api/tags', { fixture: 'ollama/tags.json' });
    const { gateway } = testGateway({ providers: providers() });

    expect(await gateway.listModels('openai')).toEqual(['gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'gpt-4o', 'gpt-4.1']);
    expect(await gateway.listModels('ollama')).toEqual(['llama3.2:latest', 'qwen2.5:7b']);
    expect(await gateway.listModels('builtin')).toEqual(['builtin']);
    expect(server.requestsTo('/v1/models')[0]!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
  });

  it('lists Anthropic models with its key and version headers (recorded wire-protocol server)', async () => {
    server.on('GET', '/v1/models', { fixture: 'anthropic/models.json' });
    const { gateway } = testGateway({ providers: providers() });

    expect(await gateway.listModels('anthropic')).toEqual(['claude-haiku-4-5-20251001', 'claude-sonnet-4-5-20250929', 'claude-3-5-haiku-20241022']);
    const [sent] = server.requests;
    expect(sent!.headers).toMatchObject({ 'x-api-key': ANTHROPIC_KEY, 'anthropic-version': '2023-06-01' });
  });

  it('checkProvider returns a verdict: ok with the model count, or the failure code (recorded wire-protocol server)', async () => {
    server.on('GET', '/api/tags', { fixture: 'ollama/tags.json' });
    server.on('GET', '/v1/models', { status: 401, fixture: 'openai/error-invalid-api-key.json' });
    const { gateway } = testGateway({ providers: providers() });

    expect(await gateway.checkProvider('ollama')).toMatchObject({ id: 'ollama', ok: true, modelCount: 2 });
    expect(await gateway.checkProvider('openai')).toMatchObject({ id: 'openai', ok: false, code: 'PROVIDER_AUTH_FAILED' });
    expect(gateway.listProviders().find((p) => p.id === 'openai')!.lastCheck).toMatchObject({ ok: false, code: 'PROVIDER_AUTH_FAILED' });
  });

  it('reports a provider that is not running as PROVIDER_UNAVAILABLE', async () => {
    const { gateway } = testGateway({ providers: [{ id: 'local', kind: 'ollama', baseURL: 'http://127.0.0.1:9', defaultModel: 'llama3.2' }] });

    expect(await gateway.checkProvider('local')).toMatchObject({ ok: false, code: 'PROVIDER_UNAVAILABLE' });
  });

  it('reports a model list in the wrong shape as MALFORMED_RESPONSE (recorded wire-protocol server)', async () => {
    server.on('GET', '/api/tags', { fixture: 'openai/models.json' });
    const { gateway } = testGateway({ providers: providers() });

    await expect(gateway.listModels('ollama')).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE' });
  });

  it('names the configured providers when asked about an unknown one', async () => {
    const { gateway } = testGateway({ providers: providers() });

    const error = await gateway.checkProvider('mistral').catch((e: unknown) => e);

    expect(LlmError.isInstance(error) && error.code).toBe('UNKNOWN_PROVIDER');
    expect((error as Error).message).toContain('openai, anthropic, ollama, builtin');
  });

  it('shows each provider with its breaker state and last success or failure, the built-in engine last (recorded wire-protocol server)', async () => {
    server.on('POST', '/v1/chat/completions', { status: 401, fixture: 'openai/error-invalid-api-key.json' });
    server.on('POST', '/v1/messages', { fixture: 'anthropic/messages.json' });
    const { gateway } = testGateway({ providers: providers() });

    await gateway.generateText(userRequest('hello'));
    const health = gateway.listProviders();

    expect(health.map((p) => p.id)).toEqual(['openai', 'anthropic', 'ollama', 'builtin']);
    expect(health[0]).toMatchObject({ kind: 'openai', breaker: 'closed', consecutiveFailures: 1, lastErrorCode: 'PROVIDER_AUTH_FAILED', lastSuccessAt: null });
    expect(health[0]!.lastFailureAt).toBe('2025-06-10T09:00:00.000Z');
    expect(health[1]).toMatchObject({ kind: 'anthropic', lastFailureAt: null, lastSuccessAt: '2025-06-10T09:00:00.000Z' });
    expect(health[3]).toMatchObject({ kind: 'builtin', breaker: 'closed' });
  });

  it('never puts an API key in logs, health, errors or usage records, even when a provider echoes it (recorded wire-protocol server)', async () => {
    const echo = JSON.stringify({ error: { message: `Incorrect API key provided: ${OPENAI_KEY}.`, type: 'invalid_request_error', code: 'invalid_api_key' } });
    server.on('POST', '/v1/chat/completions', { status: 401, body: echo });
    server.on('POST', '/v1/messages', { status: 500, body: JSON.stringify({ type: 'error', error: { type: 'api_error', message: `bad key ${ANTHROPIC_KEY}` } }) });
    server.on('POST', '/api/chat', { status: 500, body: '{"error":"boom"}' });
    server.on('GET', '/v1/models', { status: 401, body: echo });
    const { gateway, logger, records } = testGateway({ providers: providers(), resilience: { maxRetries: 0 } });
    const builtinFails = testGateway({ providers: providers(), resilience: { maxRetries: 0 }, logger, builtin: () => Promise.reject(new Error('offline engine broke')) });

    await gateway.generateText(userRequest('hello'));
    const error = await builtinFails.gateway.generateText(userRequest('hello')).catch((e: unknown) => e);
    const check = await gateway.checkProvider('openai');

    expect(error).toMatchObject({ code: 'ALL_PROVIDERS_FAILED' });
    const everything = [logger.text(), JSON.stringify(gateway.listProviders()), JSON.stringify(check), (error as Error).message, JSON.stringify((error as LlmError).details), JSON.stringify(records)].join('\n');
    expect(logger.lines.some((l) => l.message?.includes('[redacted]'))).toBe(true);
    expect(everything).not.toContain(OPENAI_KEY);
    expect(everything).not.toContain(ANTHROPIC_KEY);
  });
});
