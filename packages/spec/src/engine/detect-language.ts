import type * as Tinyld from 'tinyld';
import { loadOnFirstUse } from './load-on-first-use.js';
import { LANGUAGE_WORDS, POLISH_LETTERS } from './rules/language-rules.js';

export type Language = 'en' | 'pl';

const tinyld = loadOnFirstUse<typeof Tinyld>('tinyld');

/** How much the statistical detector's answer counts against the word evidence. */
const DETECTOR_WEIGHT = 3;
export const LANGUAGES: readonly Language[] = ['en', 'pl'];

export interface LanguageGuess {
  language: Language;
  /** False when the text gave no evidence and `fallback` was used. */
  confident: boolean;
  /** How far ahead the winner is (0 when the fallback was used). */
  margin: number;
}

/**
 * English or Polish: a statistical detector (tinyld, restricted to the two) plus evidence that
 * works on very short messages (Polish letters, function words of each language).
 * Deterministic: the same text always gives the same answer.
 */
export function detectLanguage(maskedText: string, foldedMasked: string, fallback: Language = 'en'): LanguageGuess {
  const score = { en: 0, pl: 0 };
  score.pl += (maskedText.match(POLISH_LETTERS)?.length ?? 0) * 2;
  score.en += foldedMasked.match(LANGUAGE_WORDS.en)?.length ?? 0;
  score.pl += foldedMasked.match(LANGUAGE_WORDS.pl)?.length ?? 0;
  const letters = maskedText.replace(/[^\p{L}\s]+/gu, ' ').trim();
  // The detector adds at most 3 to one side; when the words are more than 6 apart, it can change
  // neither the winner nor whether the margin reaches 3, so it is not run (it is the slowest step).
  if (letters.length >= 3 && Math.abs(score.pl - score.en) <= 2 * DETECTOR_WEIGHT) {
    for (const guess of tinyld().detectAll(letters.slice(0, 2_000), { only: ['en', 'pl'] })) {
      if (guess.lang === 'en' || guess.lang === 'pl') score[guess.lang] += guess.accuracy * DETECTOR_WEIGHT;
    }
  }
  if (score.en === score.pl) return { language: fallback, confident: false, margin: 0 };
  return { language: score.pl > score.en ? 'pl' : 'en', confident: true, margin: Math.abs(score.pl - score.en) };
}
