const LETTER = '[\\p{L}\\p{N}_]';
/** A word boundary that knows Polish letters (`\b` in JavaScript sees only ASCII word characters). */
const BOUNDARY = `(?:(?<!${LETTER})(?=${LETTER})|(?<=${LETTER})(?!${LETTER}))`;

/** A case-insensitive pattern written with `\b` and `\w`, made to treat every Unicode letter as part of a word. */
export function wordPattern(source: string): RegExp {
  return new RegExp(source.replace(/\\b/g, BOUNDARY).replace(/\\w/g, LETTER), 'iu');
}
