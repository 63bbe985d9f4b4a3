import { detectLanguage, type Language, type LanguageGuess } from './detect-language.js';
import { extractLocations } from './extract-locations.js';
import { prepareText } from './prepare-text.js';

/**
 * The language of any text (a mail, a comment), read the way the requirements engine reads a
 * message: URLs, paths and addresses masked first, then the word evidence and the statistical detector.
 */
export function detectTextLanguage(raw: string, fallback: Language = 'en'): LanguageGuess {
  const { text, folded } = prepareText(raw);
  const locations = extractLocations(text, folded);
  return detectLanguage(locations.masked, locations.foldedMasked, fallback);
}
