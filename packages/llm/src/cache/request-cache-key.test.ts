import { describe, expect, it } from 'vitest';
import { requestCacheKey, type CacheKeyInput } from './request-cache-key.js';

const base: CacheKeyInput = { orgId: 'org-a', provider: 'openai', model: 'gpt-4o-mini', system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] };

describe('requestCacheKey', () => {
  it('is the same for requests that differ only in line endings, Unicode form or surrounding space', () => {
    const same = requestCacheKey({ ...base, system: 'Be brief.\r\n', messages: [{ role: 'user', content: ' Hello\n' }] });
    expect(same).toBe(requestCacheKey(base));
    expect(requestCacheKey({ ...base, messages: [{ role: 'user', content: 'Cafe\u0301' }] })).toBe(requestCacheKey({ ...base, messages: [{ role: 'user', content: 'Caf\u00e9' }] }));
  });

  it('changes with every field that changes the answer', () => {
    const variants: CacheKeyInput[] = [
      { ...base, orgId: 'org-b' },
      { ...base, provider: 'azure' },
      { ...base, model: 'gpt-4o' },
      { ...base, system: 'Be verbose.' },
      { ...base, messages: [{ role: 'assistant', content: 'Hello' }] },
      { ...base, messages: [...base.messages, { role: 'user', content: 'again' }] },
      { ...base, schema: '{"type":"object"}' },
      { ...base, temperature: 0 },
      { ...base, maxOutputTokens: 100 },
    ];
    const keys = new Set([requestCacheKey(base), ...variants.map(requestCacheKey)]);
    expect(keys.size).toBe(variants.length + 1);
  });

  it('cannot be confused by content that looks like a field separator', () => {
    const a = requestCacheKey({ ...base, messages: [{ role: 'user', content: 'a","b' }] });
    const b = requestCacheKey({ ...base, messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] });
    expect(a).not.toBe(b);
  });
});
