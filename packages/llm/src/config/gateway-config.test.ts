import { describe, expect, it } from 'vitest';
import { createLlmGateway } from '../gateway/create-llm-gateway.js';
import { LlmError } from '../llm-error.js';

const builtin = () => ({ text: 'offline' });
function configError(options: Record<string, unknown>): LlmError {
  try {
    createLlmGateway({ builtin, ...options } as never);
  } catch (error) {
    if (LlmError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('gateway config', () => {
  it('names each wrong provider field, and never echoes a key', () => {
    const error = configError({
      providers: [
        { id: 'openai', kind: 'openai', apiKey: '' },
        { id: 'Local LLM', kind: 'openai-compatible', baseURL: 'ftp://example', apiKey: 'sk-live-SECRET-1234567890', extra: 1 },
      ],
    });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/providers config is invalid/);
    expect(error.message).toMatch(/API key must not be empty[\s\S]*at \[0\]\.apiKey/);
    expect(error.message).toMatch(/lowercase letters[\s\S]*at \[1\]\.id/);
    expect(error.message).toMatch(/http\(s\) URL[\s\S]*at \[1\]\.baseURL/);
    expect(error.message).toMatch(/extra/);
    expect(error.message).not.toContain('SECRET');
  });

  it('refuses a route naming a provider that is not configured', () => {
    const error = configError({ providers: [{ id: 'ollama', kind: 'ollama' }], routing: { tasks: { chat: { small: [{ provider: 'openai', model: 'gpt-4o' }] } } } });
    expect(error.message).toBe('routing.tasks.chat names provider "openai", which is not configured (configured: ollama).');
  });

  it('refuses duplicate ids, the reserved id "builtin", and a soft budget above the hard one', () => {
    expect(configError({ providers: [{ id: 'x', kind: 'ollama' }, { id: 'x', kind: 'ollama' }] }).message).toMatch(/Two providers have the id "x"/);
    expect(configError({ providers: [{ id: 'builtin', kind: 'ollama' }] }).message).toMatch(/reserved for the built-in engine/);
    expect(configError({ limits: { default: { softBudgetUsd: 10, hardBudgetUsd: 5 } } }).message).toMatch(/softBudgetUsd must not be above hardBudgetUsd/);
  });

  it('needs the built-in engine', () => {
    expect(() => createLlmGateway({} as never)).toThrow(/needs `builtin`/);
  });

  it('works with no provider at all: every call goes to the built-in engine', async () => {
    const gateway = createLlmGateway({ builtin });
    const result = await gateway.generateText({ task: 'chat', orgId: 'org', system: '', messages: [{ role: 'user', content: 'hi' }] });
    expect(result).toMatchObject({ text: 'offline', provider: 'builtin', costUsd: 0 });
    expect(result.notice).toBeUndefined();
  });

  it('rejects requests that break the input limits, naming the field', async () => {
    const gateway = createLlmGateway({ builtin });
    await expect(gateway.generateText({ task: 'chat', orgId: '', system: '', messages: [] } as never)).rejects.toMatchObject({
      code: 'REQUEST_INVALID',
      message: expect.stringMatching(/orgId: must not be empty; messages: at least one message is needed/),
    });
    await expect(gateway.generateText({ task: 'translate', orgId: 'o', system: '', messages: [{ role: 'user', content: 'x'.repeat(200_001) }] } as never)).rejects.toMatchObject({
      message: expect.stringMatching(/task: .*messages\.0\.content: a message may have at most 200000 characters/),
    });
  });

  it('asks for a zod schema when generateObject gets something else', async () => {
    const gateway = createLlmGateway({ builtin });
    await expect(gateway.generateObject({ task: 'spec-extraction', orgId: 'o', system: '', messages: [{ role: 'user', content: 'x' }], schema: { type: 'object' } } as never)).rejects.toMatchObject({
      code: 'REQUEST_INVALID',
      message: expect.stringMatching(/needs `schema`: a zod schema/),
    });
  });
});
