import { describe, expect, it } from 'vitest';
import { LlmError } from '../src/index.js';
import { useWireServer } from './support/recorded-wire-server.js';
import { BUILTIN_TEXT, testGateway, userRequest } from './support/test-gateway.js';

const server = useWireServer();

const CHAT = '/v1/chat/completions';
const openai = () => ({ id: 'openai', kind: 'openai' as const, apiKey: 'sk-test-openai-0123456789', baseURL: `${server.url}/v1`, defaultModel: 'gpt-4o-mini' });
const anthropic = () => ({ id: 'anthropic', kind: 'anthropic' as const, apiKey: 'sk-ant-test-0123456789', baseURL: `${server.url}/v1`, defaultModel: 'claude-haiku-4-5' });
const ollama = () => ({ id: 'ollama', kind: 'ollama' as const, baseURL: server.url, defaultModel: 'llama3.2' });

describe('retries', () => {
  it('waits as long as a 429 Retry-After in seconds says, then succeeds at the same provider (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { status: 429, headers: { 'retry-after': '2' }, fixture: 'openai/error-rate-limit.json' }, { fixture: 'openai/chat-completion.json' });
    const { gateway, clock } = testGateway({ providers: [openai()] });

    const result = await gateway.generateText(userRequest('hello'));

    expect(clock.sleeps).toEqual([2000]);
    expect(result.provider).toBe('openai');
    expect(result.attempts.map((a) => a.errorCode ?? a.outcome)).toEqual(['PROVIDER_RATE_LIMITED', 'success']);
  });

  it('honours a Retry-After given as an HTTP date (recorded wire-protocol server)', async () => {
    const { gateway, clock } = testGateway({ providers: [openai()] });
    const retryAt = new Date(clock.now() + 3000).toUTCString();
    server.on('POST', CHAT, { status: 429, headers: { 'retry-after': retryAt }, fixture: 'openai/error-rate-limit.json' }, { fixture: 'openai/chat-completion.json' });

    const result = await gateway.generateText(userRequest('hello'));

    expect(clock.sleeps).toEqual([3000]);
    expect(result.provider).toBe('openai');
  });

  it('moves to the next provider instead of waiting when Retry-After is longer than the cap (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { status: 429, headers: { 'retry-after': '120' }, fixture: 'openai/error-rate-limit.json' });
    server.on('POST', '/api/chat', { fixture: 'ollama/chat.json' });
    const { gateway, clock } = testGateway({ providers: [openai(), ollama()], resilience: { maxRetryAfterMs: 10_000 } });

    const result = await gateway.generateText(userRequest('hello'));

    expect(clock.sleeps).toEqual([]);
    expect(server.requestsTo(CHAT)).toHaveLength(1);
    expect(result.provider).toBe('ollama');
  });

  it('retries 500s with exponential backoff and jitter, then succeeds (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { status: 500, fixture: 'openai/error-server.json' }, { status: 500, fixture: 'openai/error-server.json' }, { fixture: 'openai/chat-completion.json' });
    const { gateway, clock } = testGateway({ providers: [openai()], resilience: { maxRetries: 2, baseDelayMs: 200, maxDelayMs: 5000 } });

    const result = await gateway.generateText(userRequest('hello'));

    // random() is pinned to 0.5: half the ceiling fixed plus a quarter → 150 ms, then 300 ms.
    expect(clock.sleeps).toEqual([150, 300]);
    expect(server.requestsTo(CHAT)).toHaveLength(3);
    expect(result.provider).toBe('openai');
  });

  it('treats a 502 HTML page from a proxy as the provider being unavailable and retries it (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { status: 502, fixture: 'openai/error-bad-gateway.html' }, { fixture: 'openai/chat-completion.json' });
    const { gateway } = testGateway({ providers: [openai()] });

    const result = await gateway.generateText(userRequest('hello'));

    expect(result.attempts.map((a) => a.errorCode ?? a.outcome)).toEqual(['PROVIDER_UNAVAILABLE', 'success']);
  });

  it('does not retry a malformed (truncated) body but moves to the next provider (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion-truncated.json' });
    server.on('POST', '/api/chat', { fixture: 'ollama/chat.json' });
    const { gateway } = testGateway({ providers: [openai(), ollama()] });

    const result = await gateway.generateText(userRequest('hello'));

    expect(server.requestsTo(CHAT)).toHaveLength(1);
    expect(result.attempts.map((a) => `${a.provider}:${a.errorCode ?? a.outcome}`)).toEqual(['openai:MALFORMED_RESPONSE', 'ollama:success']);
  });

  it('gives up on a provider that does not answer within the call timeout (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { hang: true });
    const { gateway } = testGateway({ providers: [openai()], resilience: { timeoutMs: 150, maxRetries: 0 } });

    const started = performance.now();
    const result = await gateway.generateText(userRequest('hello'));

    expect(performance.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ text: BUILTIN_TEXT, notice: 'providers-unavailable' });
    expect(result.attempts[0]).toMatchObject({ provider: 'openai', errorCode: 'TIMEOUT' });
  });

  it('stops without falling back when the caller aborts (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { hang: true });
    const { gateway, builtin } = testGateway({ providers: [openai()] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    const error = await gateway.generateText(userRequest('hello', { signal: controller.signal })).catch((e: unknown) => e);

    expect(LlmError.isInstance(error) && error.code).toBe('ABORTED');
    expect(builtin.calls).toBe(0);
  });
});

describe('fallback chain', () => {
  it('tries providers in route order — OpenAI, then Anthropic, then Ollama — and answers from the first that works (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { status: 500, fixture: 'openai/error-server.json' });
    server.on('POST', '/v1/messages', { status: 529, fixture: 'anthropic/error-overloaded.json' });
    server.on('POST', '/api/chat', { fixture: 'ollama/chat.json' });
    const { gateway, records } = testGateway({
      providers: [ollama(), anthropic(), openai()],
      routing: {
        tasks: {
          chat: {
            small: [
              { provider: 'openai', model: 'gpt-4o-mini' },
              { provider: 'anthropic', model: 'claude-haiku-4-5' },
              { provider: 'ollama', model: 'llama3.2' },
            ],
          },
        },
      },
      resilience: { maxRetries: 0 },
    });

    const result = await gateway.generateText(userRequest('hello'));

    expect(server.requests.map((r) => r.path)).toEqual([CHAT, '/v1/messages', '/api/chat']);
    expect(result.provider).toBe('ollama');
    expect(result.text).toMatch(/^A small CRUD API/);
    expect(records.map((r) => `${r.provider}:${r.outcome}`)).toEqual(['openai:error', 'anthropic:error', 'ollama:success']);
  });

  it('routes long requests to the large model first (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion.json' });
    const { gateway } = testGateway({
      providers: [{ ...openai(), largeModel: 'gpt-4.1' }],
      routing: { largeAboveInputTokens: 50 },
    });

    await gateway.generateText(userRequest('short'));
    await gateway.generateText(userRequest('long '.repeat(100)));

    expect(server.requests.map((r) => r.body.model)).toEqual(['gpt-4o-mini', 'gpt-4.1']);
  });
});

describe('streaming', () => {
  it('moves to the next provider when the first token is too slow, and streams only that provider (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion-stream.sse', firstChunkDelayMs: 2000 });
    server.on('POST', '/v1/messages', { fixture: 'anthropic/messages-stream.sse' });
    const { gateway } = testGateway({ providers: [openai(), anthropic()], resilience: { firstTokenTimeoutMs: 200, maxRetries: 0 } });

    const stream = gateway.streamText(userRequest('hello'));
    const deltas: string[] = [];
    for await (const delta of stream) deltas.push(delta);
    const result = await stream.result;

    expect(deltas.join('')).toBe('An automation that checks the supplier feed every morning and emails a summary.');
    expect(result.provider).toBe('anthropic');
    expect(result.attempts[0]).toMatchObject({ provider: 'openai', errorCode: 'TIMEOUT' });
  });

  it('ends with STREAM_INTERRUPTED when the connection drops after text was sent, without splicing in another answer (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion-stream.sse', chunkDelayMs: 20, cutAfterChunks: 3 });
    const { gateway, builtin, records } = testGateway({ providers: [openai()] });

    const stream = gateway.streamText(userRequest('hello'));
    const deltas: string[] = [];
    const error = await (async () => {
      for await (const delta of stream) deltas.push(delta);
    })().catch((e: unknown) => e);

    expect(deltas).toEqual(['A web', ' dashboard']);
    expect(LlmError.isInstance(error) && error.code).toBe('STREAM_INTERRUPTED');
    await expect(stream.result).rejects.toMatchObject({ code: 'STREAM_INTERRUPTED' });
    expect(builtin.calls).toBe(0);
    expect(records.at(-1)).toMatchObject({ outcome: 'error', errorCode: 'STREAM_INTERRUPTED', tokensEstimated: true });
  });
});

describe('streaming readers', () => {
  it('resolves `result` for a caller that never iterates the deltas (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion-stream.sse' });
    const { gateway } = testGateway({ providers: [openai()] });

    const result = await gateway.streamText(userRequest('hello')).result;

    expect(result.text).toBe('A web dashboard that lists open invoices by customer.');
  });

  it('stops the provider stream when the reader goes away early (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion-stream.sse', chunkDelayMs: 200 });
    const { gateway } = testGateway({ providers: [openai()] });

    const stream = gateway.streamText(userRequest('hello'));
    for await (const delta of stream) {
      expect(delta).toBe('A web');
      break;
    }

    await expect(stream.result).rejects.toMatchObject({ code: 'ABORTED' });
    expect(gateway.listProviders()[0]!.breaker).toBe('closed');
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures so calls skip the provider, then a probe after the cool-down closes it (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { status: 500, fixture: 'openai/error-server.json' });
    const { gateway, clock } = testGateway({
      providers: [openai()],
      resilience: { maxRetries: 0, breakerFailureThreshold: 2, breakerCooldownMs: 30_000 },
    });
    const breaker = () => gateway.listProviders().find((p) => p.id === 'openai')!.breaker;

    await gateway.generateText(userRequest('one'));
    expect(breaker()).toBe('closed');
    await gateway.generateText(userRequest('two'));
    expect(breaker()).toBe('open');

    const skipped = await gateway.generateText(userRequest('three'));
    expect(server.requests).toHaveLength(2);
    expect(skipped).toMatchObject({ provider: 'builtin', notice: 'providers-unavailable' });
    expect(skipped.attempts[0]).toMatchObject({ outcome: 'circuit-open', errorCode: 'CIRCUIT_OPEN' });

    clock.advance(30_000);
    expect(breaker()).toBe('half-open');
    server.on('POST', CHAT, { fixture: 'openai/chat-completion.json' });
    const recovered = await gateway.generateText(userRequest('four'));
    expect(recovered.provider).toBe('openai');
    expect(breaker()).toBe('closed');
    expect(server.requests).toHaveLength(3);
  });

  it('re-opens when the half-open probe fails (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { status: 503, fixture: 'openai/error-server.json' });
    const { gateway, clock } = testGateway({ providers: [openai()], resilience: { maxRetries: 0, breakerFailureThreshold: 1, breakerCooldownMs: 10_000 } });

    await gateway.generateText(userRequest('one'));
    clock.advance(10_000);
    await gateway.generateText(userRequest('probe'));
    await gateway.generateText(userRequest('skipped'));

    expect(server.requests).toHaveLength(2);
    expect(gateway.listProviders()[0]).toMatchObject({ id: 'openai', breaker: 'open', lastErrorCode: 'PROVIDER_UNAVAILABLE' });
  });
});
