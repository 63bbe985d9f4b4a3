import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appSpecSchema, continueSpec, extractSpec, formatSpec, suggestKinds } from '../src/index.js';

const PHRASES = [
  'Build a REST API for', 'books with title, author, price', 'a form for', 'event registrations', 'with fields:', 'name, email, date',
  'status (open, closed, pending)', 'every Monday at 9am', 'co 15 minut', 'codziennie o 6:30', 'send me', 'wyślij mi', 'raport',
  'from ./data/sales.csv', '../../etc/passwd', 'https://hooks.slack.com/services/A/B/C', 'https://example.com/feed.rss', 'anna@firma.pl',
  'SSO', 'bez logowania', 'API key', 'dashboard', 'panel z wykresem', 'actually', 'zmień harmonogram na', 'hourly', 'remove', 'usuń pole',
  'called', 'o nazwie', '(', ')', ',', ':', ';', '\n', '🙂', '\u0000', 'każdy projekt ma', 'tasks have', 'Europe/Warsaw', 'every two weeks',
  'The records are laptops, not employees.', 'nie', 'tylko', 'not', 'but', 'instead of', 'rename the field', 'zmień nazwę pola', 'to', 'na',
  'Add a notes field too.', 'what can you do?', 'co potrafisz?', '/srv/exports/x.csv', 'C:\\exports\\x.csv', 'whether they need a parking spot',
  'from 1 to 5', 'od 1 do 5', '(unique)', '(default 3)', 'people enter their', '\uFDFD', "I'd rather see a calendar",
];
const phraseText = fc.array(fc.constantFrom(...PHRASES), { maxLength: 12 }).map((parts) => parts.join(' '));
const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 200 }), phraseText);

describe('the engine on arbitrary text', () => {
  it('always returns a valid spec, questions for every missing slot, and the same result twice', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = extractSpec(text);
        expect(appSpecSchema.safeParse(result.spec).success).toBe(true);
        expect(result.questions.map((q) => q.slot)).toEqual(result.missing);
        expect(result.confidence).toBeGreaterThanOrEqual(0);
        expect(result.confidence).toBeLessThanOrEqual(1);
        expect(extractSpec(text)).toEqual(result);
        for (const source of result.spec.sources ?? []) if (source.path) expect(source.path.split(/[\\/]/)).not.toContain('..');
      }),
      { numRuns: 250, seed: 20250101 },
    );
  });

  it('keeps the spec valid through a conversation of arbitrary messages', () => {
    fc.assert(
      fc.property(anyText, fc.array(anyText, { minLength: 1, maxLength: 4 }), (first, rest) => {
        let result = extractSpec(first);
        for (const text of rest) {
          const before = result.spec;
          result = continueSpec(before, text);
          expect(appSpecSchema.safeParse(result.spec).success).toBe(true);
          // A turn the engine did not take as a change of the draft leaves it exactly as it was.
          if (result.intent !== 'spec') expect(result.spec).toEqual(before);
          for (const source of result.spec.sources ?? []) if (source.workstationPath) expect(source.workstationPath.split(/[\\/]/)).not.toContain('..');
        }
        expect(formatSpec(result.spec, result.language).length).toBeGreaterThan(0);
      }),
      { numRuns: 120, seed: 20250102 },
    );
  });

  it('suggests two or three distinct kinds for any text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const kinds = suggestKinds(text).map((s) => s.kind);
        expect(kinds.length).toBeGreaterThanOrEqual(2);
        expect(kinds.length).toBeLessThanOrEqual(3);
        expect(new Set(kinds).size).toBe(kinds.length);
      }),
      { numRuns: 150, seed: 20250103 },
    );
  });
});
