import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_KINDS, appSpecSchema, continueSpec, extractSpec, type AppSpec } from '../src/index.js';
import { mismatches, type CorpusConversation, type CorpusRequest } from './corpus-expectations.js';

const load = <T>(file: string): T => JSON.parse(readFileSync(new URL(`./corpus/${file}`, import.meta.url), 'utf8')) as T;
const requests = [...load<CorpusRequest[]>('requests-en.json'), ...load<CorpusRequest[]>('requests-pl.json')];
const conversations = load<CorpusConversation[]>('conversations.json');

describe('requirements corpus: single requests', () => {
  it.each(requests.map((r) => [r.id, r] as const))('%s', (_id, request) => {
    const result = extractSpec(request.text);
    expect(appSpecSchema.safeParse(result.spec).success).toBe(true);
    expect(mismatches(result, request.expect), `request: ${request.text}\nspec: ${JSON.stringify(result.spec)}`).toEqual([]);
  });
});

describe('requirements corpus: conversations', () => {
  it.each(conversations.map((c) => [c.id, c] as const))('%s', (_id, conversation) => {
    const problems: string[] = [];
    let previous: AppSpec | undefined;
    for (const [index, turn] of conversation.turns.entries()) {
      const result = previous ? continueSpec(previous, turn.text) : extractSpec(turn.text);
      expect(appSpecSchema.safeParse(result.spec).success).toBe(true);
      for (const problem of mismatches(result, turn.expect, previous)) problems.push(`turn ${index + 1} "${turn.text}": ${problem}`);
      previous = result.spec;
    }
    expect(problems).toEqual([]);
  });
});

describe('requirements corpus: coverage', () => {
  it('has at least 60 requests in both languages covering every kind', () => {
    const firstTurns = conversations.map((c) => c.turns[0]!.expect);
    const all = [...requests.map((r) => r.expect), ...firstTurns];
    expect(requests.length).toBeGreaterThanOrEqual(60);
    for (const language of ['en', 'pl']) expect(requests.filter((r) => r.id.startsWith(`${language}-`)).length).toBeGreaterThanOrEqual(25);
    for (const kind of APP_KINDS) expect(all.filter((e) => e.kind === kind).length, kind).toBeGreaterThanOrEqual(4);
  });
});
