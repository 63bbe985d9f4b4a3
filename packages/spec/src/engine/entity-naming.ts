import pluralize from 'pluralize';
import type { AppKind } from '../app-spec.js';
import type { Language } from './detect-language.js';
import { ENTITY_STOP } from './rules/entity-rules.js';
import { ENTITY_NAMES } from './rules/glossary.js';
import { asciiWords, toIdentifier } from './tokenize.js';

/** The entity an app keeps when the request does not name one. */
export const DEFAULT_ENTITY: Record<AppKind, string> = {
  'api-service': 'item',
  'form-app': 'submission',
  'web-dashboard': 'record',
  automation: 'item',
  'data-tool': 'row',
};

/** Words of a folded phrase that may name an entity (stop words dropped at the edges). */
export function nounWords(foldedPhrase: string): string[] {
  return asciiWords(foldedPhrase.replace(/'s\b/g, '')).filter((w) => !/^\d/.test(w));
}

/** The run of non-stop words right before `end` in a folded sentence ("a REST API for books" → ["books"]). */
export function nounBefore(foldedSentence: string, maxWords = 2): string[] {
  const list = nounWords(foldedSentence);
  const run: string[] = [];
  for (let i = list.length - 1; i >= 0 && run.length < maxWords; i--) {
    if (ENTITY_STOP.test(list[i]!)) break;
    run.unshift(list[i]!);
  }
  return run;
}

/** The run of non-stop words at the start of a folded phrase, after skipping stop words. */
export function nounAfter(foldedPhrase: string, maxWords = 2): string[] {
  const list = nounWords(foldedPhrase);
  let i = 0;
  while (i < list.length && ENTITY_STOP.test(list[i]!)) i++;
  const run: string[] = [];
  for (; i < list.length && run.length < maxWords; i++) {
    if (ENTITY_STOP.test(list[i]!)) break;
    run.push(list[i]!);
  }
  return run;
}

/** Polish genitive plural "-ów" to a base form when the glossary does not know the word. */
function polishBase(word: string): string {
  if (/ow$/.test(word) && word.length > 5) return word.slice(0, -2);
  return word;
}

/**
 * An identifier for an entity from its noun phrase: the glossary first ("sal konferencyjnych" →
 * "conferenceRoom", "pracowników" → "employee"), else English singular ("event registrations" →
 * "eventRegistration"), else the Polish head word without diacritics.
 */
export function entityName(words: string[], language: Language): string | undefined {
  if (words.length === 0) return undefined;
  const phrase = words.join(' ');
  const whole = ENTITY_NAMES.find(([p]) => p.test(phrase))?.[1];
  if (whole) return whole;
  if (language === 'pl') {
    for (const word of words) {
      const known = ENTITY_NAMES.find(([p]) => p.test(word))?.[1];
      if (known) return known;
    }
    return toIdentifier(polishBase(words[0]!));
  }
  const head = words[words.length - 1]!;
  const knownHead = ENTITY_NAMES.find(([p]) => p.test(head))?.[1];
  const singular = knownHead ?? pluralize.singular(head);
  const parts = words.length > 1 ? [words[words.length - 2]!, singular] : [singular];
  return toIdentifier(parts.join(' '));
}
