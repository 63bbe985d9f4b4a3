import { describe, expect, it } from 'vitest';
import { parseConfig, providerConfigSchema, routingConfigSchema } from '../config/gateway-config.js';
import { estimateRequestSize, routeForTask, selectCandidates } from './select-candidates.js';

const routing = parseConfig(routingConfigSchema, {
  largeAboveInputTokens: 100,
  largeAboveTurns: 4,
  tasks: {
    chat: { small: [{ provider: 'a', model: 'mini' }], large: [{ provider: 'a', model: 'big' }, { provider: 'a', model: 'mini' }] },
    'code-refinement': { small: [{ provider: 'a', model: 'mini' }], large: [{ provider: 'b', model: 'big' }], size: 'large' },
  },
}, 'routing');
const providers = [
  parseConfig(providerConfigSchema, { id: 'a', kind: 'ollama', defaultModel: 'a-small', largeModel: 'a-large' }, 'p'),
  parseConfig(providerConfigSchema, { id: 'b', kind: 'ollama', defaultModel: 'b-small' }, 'p'),
];
const user = (content: string) => ({ role: 'user' as const, content });

describe('routing', () => {
  it('calls a request large by estimated input tokens or by number of turns', () => {
    expect(estimateRequestSize('sys', [user('x'.repeat(300))], routing)).toBe('small');
    expect(estimateRequestSize('sys', [user('x'.repeat(400))], routing)).toBe('large');
    expect(estimateRequestSize('', Array.from({ length: 5 }, () => user('hi')), routing)).toBe('large');
  });

  it('puts the list matching the size first and never repeats a model', () => {
    const chat = routeForTask('chat', routing, providers);
    expect(selectCandidates(chat, 'small').map((r) => r.model)).toEqual(['mini', 'big']);
    expect(selectCandidates(chat, 'large').map((r) => r.model)).toEqual(['big', 'mini']);
  });

  it('lets a task force its size', () => {
    const code = routeForTask('code-refinement', routing, providers);
    expect(selectCandidates(code, 'small').map((r) => `${r.provider}/${r.model}`)).toEqual(['b/big', 'a/mini']);
  });

  it('without a route, tries providers in config order with their default and large models', () => {
    const route = routeForTask('summarising', routing, providers);
    expect(selectCandidates(route, 'small').map((r) => `${r.provider}/${r.model}`)).toEqual(['a/a-small', 'b/b-small', 'a/a-large']);
    expect(selectCandidates(route, 'large').map((r) => `${r.provider}/${r.model}`)).toEqual(['a/a-large', 'a/a-small', 'b/b-small']);
  });
});
