import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useWireServer } from './support/recorded-wire-server.js';
import { BUILTIN_TEXT, SYSTEM, testGateway, userRequest } from './support/test-gateway.js';

const server = useWireServer();

const ollama = () => ({ id: 'ollama', kind: 'ollama' as const, baseURL: server.url, defaultModel: 'llama3.2' });

describe('Ollama /api/chat', () => {
  it('returns the answer with usage from the eval counts, at no cost, passing the output limit as num_predict (recorded wire-protocol server)', async () => {
    server.on('POST', '/api/chat', { fixture: 'ollama/chat.json' });
    const { gateway } = testGateway({ providers: [ollama()] });

    const result = await gateway.generateText(userRequest('an equipment register', { maxOutputTokens: 256 }));

    expect(result.text).toMatch(/^A small CRUD API for the equipment register/);
    expect(result).toMatchObject({ provider: 'ollama', costUsd: 0, usage: { inputTokens: 48, outputTokens: 27, estimated: false } });
    const [sent] = server.requests;
    expect(sent!.body).toMatchObject({ model: 'llama3.2', stream: false, options: { num_predict: 256 } });
    expect(sent!.body.messages).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'an equipment register' },
    ]);
  });

  it('streams NDJSON chunks as text deltas (recorded wire-protocol server)', async () => {
    server.on('POST', '/api/chat', { fixture: 'ollama/chat-stream.ndjson', chunkDelayMs: 2 });
    const { gateway } = testGateway({ providers: [ollama()] });

    const stream = gateway.streamText(userRequest('an equipment register'));
    const deltas: string[] = [];
    for await (const delta of stream) deltas.push(delta);
    const result = await stream.result;

    expect(deltas).toEqual(['A small', ' CRUD API', ' for the equipment', ' register', '.']);
    expect(result.usage).toEqual({ inputTokens: 48, outputTokens: 6, estimated: false });
    expect(server.requests[0]!.body.stream).toBe(true);
  });

  it('sends the JSON schema as `format` for structured output (recorded wire-protocol server)', async () => {
    server.on('POST', '/api/chat', { fixture: 'ollama/chat-format.json' });
    const { gateway } = testGateway({ providers: [ollama()] });
    const schema = z.object({ name: z.string(), kind: z.literal('api-service'), summary: z.string() });

    const result = await gateway.generateObject({ ...userRequest('an equipment register'), schema });

    expect(result.object).toEqual({ name: 'equipment-register', kind: 'api-service', summary: 'Tracks equipment items and who has them on loan.' });
    expect(server.requests[0]!.body.format).toMatchObject({ type: 'object', required: ['name', 'kind', 'summary'] });
  });

  it('falls back to the built-in engine when the model is not pulled (404), without retrying (recorded wire-protocol server)', async () => {
    server.on('POST', '/api/chat', { status: 404, fixture: 'ollama/error-model-not-found.json' });
    const { gateway } = testGateway({ providers: [ollama()] });

    const result = await gateway.generateText(userRequest('an equipment register'));

    expect(server.requests).toHaveLength(1);
    expect(result).toMatchObject({ text: BUILTIN_TEXT, notice: 'providers-unavailable' });
    expect(result.attempts[0]).toMatchObject({ provider: 'ollama', errorCode: 'PROVIDER_REJECTED' });
  });
});
