import { fold } from './prepare-text.js';

export interface WordToken {
  word: string;
  index: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'word' });

/** The word-like segments of a text (Unicode word boundaries, so "zgłoszeń" stays whole). */
export function words(text: string): WordToken[] {
  const out: WordToken[] = [];
  for (const segment of segmenter.segment(text)) {
    if (segment.isWordLike) out.push({ word: segment.segment, index: segment.index });
  }
  return out;
}

/** ASCII words of a phrase: folded, letters and digits only ("Data zgłoszenia" → ["data", "zgloszenia"]). */
export function asciiWords(phrase: string): string[] {
  return fold(phrase)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0);
}

/** A camelCase identifier from a phrase ("start time" → "startTime", "owner e-mail" → "ownerEmail"), or undefined when nothing is left. */
export function toIdentifier(phrase: string, maxLength = 64): string | undefined {
  const parts = asciiWords(phrase.replace(/\be-mail/gi, 'email'));
  while (parts.length > 0 && /^[0-9]/.test(parts[0]!)) parts.shift();
  if (parts.length === 0) return undefined;
  let id = parts.map((p, i) => (i === 0 ? p : p.charAt(0).toUpperCase() + p.slice(1))).join('');
  if (id.length > maxLength) id = id.slice(0, maxLength);
  return /^[a-zA-Z][a-zA-Z0-9_]*$/.test(id) ? id : undefined;
}

/** A slug from words ("REST API for books" minus stop words → "rest-api-books"), capped at `maxLength`. */
export function toSlug(parts: readonly string[], maxLength: number): string | undefined {
  let slug = '';
  for (const part of parts) {
    const next = slug ? `${slug}-${part}` : part;
    if (next.length > maxLength) break;
    slug = next;
  }
  while (slug && !/^[a-z]/.test(slug)) slug = slug.replace(/^[^-]*-?/, '');
  return slug.length >= 2 ? slug : undefined;
}

/** Upper-case the first letter. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
