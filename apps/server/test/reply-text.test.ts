import { describe, expect, it } from 'vitest';
import type { AppSpec } from '@marketplace/spec';
import { composeReply } from '../src/modules/conversations/reply-text.js';
import type { SimilarApp } from '../src/modules/conversations/similar-apps.js';

const spec = {
  specVersion: 1, name: 'urlopy', title: 'Wnioski urlopowe', summary: 'Wnioski o urlop.', kind: 'form-app', language: 'pl',
  entities: [{ name: 'wniosek', fields: [{ name: 'imie', type: 'string' }] }],
} as AppSpec;
const similar: SimilarApp[] = [{
  id: 'a1', name: 'leave-requests', title: 'Leave requests', kind: 'form-app', latestVersion: '1.2.0', score: 0.8,
  shared: ['kind form-app', 'fields imie'], reasons: [{ code: 'similar.kind', params: { kind: 'form-app' } }, { code: 'similar.fields', params: { fields: 'imie' } }],
}];
const reply = (language: 'en' | 'pl', withSimilar = false) => composeReply(language, { spec, missing: [], questions: [], clarifications: [], suggestions: [], similar: withSimilar ? similar : [], changes: '' });

describe('the built-in engine’s reply', () => {
  it('names the draft’s kind in words of the conversation’s language, not as its identifier', () => {
    expect(reply('pl').split('\n')[0]).toBe('Szkic: „Wnioski urlopowe” (Formularz).');
    expect(reply('en').split('\n')[0]).toBe('Draft: “Wnioski urlopowe” (Form).');
    expect(reply('pl')).not.toContain('form-app');
    expect(reply('en')).not.toContain('form-app');
  });

  it('says what a similar app shares in the conversation’s language, its kind in words', () => {
    expect(reply('pl', true).split('\n')[1]).toBe('Ktoś już to zbudował: Leave requests (leave-requests 1.2.0; ten sam rodzaj (Formularz), wspólne pola: imie). Możesz go użyć albo budować dalej nową aplikację.');
    expect(reply('en', true).split('\n')[1]).toBe('Someone already built this: Leave requests (leave-requests 1.2.0; the same kind (Form), fields in common: imie). You can use it, or go on with a new app.');
  });
});
