import { SPEC_LIMITS } from '../app-spec.js';
import { ENGINE_LIMITS } from './engine-limits.js';
import type { LocationSpan, Span } from './extract-locations.js';
import { fold as foldText, maskSpans } from './prepare-text.js';
import { LEADING_FILLER, NAME_END, NAME_PATTERNS, POLISH_NOMINATIVE, SLUG_STOP, TITLE_END, TITLE_TRAILING } from './rules/naming-rules.js';
import { asciiWords, capitalise, toSlug, words } from './tokenize.js';

export interface TitleFindings {
  /** A title derived from the request, or undefined when nothing usable is left. */
  title?: string;
  /** True when the request named the app outright ("called …", "nazwij to …"). */
  explicit: boolean;
}

/** The app's title: a name the request gives, else the request's subject without fillers and schedule words. */
export function extractTitle(
  source: { original: string; folded: string; locations: readonly LocationSpan[] },
  cutAt: number | undefined,
  scheduleSpans: Span[],
): TitleFindings {
  const { original, folded } = withReplacements(source.original, source.folded, source.locations);
  for (const pattern of NAME_PATTERNS) {
    const m = pattern.exec(folded);
    if (!m) continue;
    const start = m.index + m[0].length - m[1]!.length;
    let raw = original.slice(start, start + m[1]!.length);
    const end = NAME_END.exec(folded.slice(start, start + raw.length));
    if (end) raw = raw.slice(0, end.index);
    const title = clean(raw);
    if (title) return { title, explicit: true };
  }
  const limit = cutAt ?? original.length;
  // Drop schedule phrases, then read from the first words that are not filler.
  // Leave schedule phrases out ("Every Monday at 9 send me X" → "send me X"), in both twins alike.
  const fold = withoutSpans(folded.slice(0, limit), scheduleSpans);
  const orig = withoutSpans(original.slice(0, limit), scheduleSpans);
  let offset = 0;
  for (let guard = 0; guard < 8; guard++) {
    const rest = fold.slice(offset);
    const junk = /^[\s¤,.;:!?-]*/.exec(rest)![0].length;
    if (junk > 0) {
      offset += junk;
      continue;
    }
    const filler = LEADING_FILLER.map((f) => f.exec(rest)).find((m) => m && m[0].length > 0);
    if (!filler) break;
    offset += filler[0].length;
  }
  const text = fold.slice(offset);
  const end = TITLE_END.exec(' ' + text);
  const length = end ? Math.max(0, end.index - 1) : text.length;
  const title = clean(orig.slice(offset, offset + length));
  return title ? { title, explicit: false } : { explicit: false };
}

function withoutSpans(text: string, spans: readonly Span[]): string {
  const masked = maskSpans(text, spans.map((s) => ({ start: s.start, end: Math.min(s.end, text.length) })));
  return masked.replace(/\s*¤+/g, '');
}

/** Put a file's name where its path was, and blanks where URLs and addresses were (same length). */
function withReplacements(original: string, folded: string, spans: readonly LocationSpan[]): { original: string; folded: string } {
  let o = original;
  let f = folded;
  for (const span of spans) {
    const length = span.end - span.start;
    const text = span.replacement.slice(0, length).padEnd(length, ' ');
    o = o.slice(0, span.start) + text + o.slice(span.end);
    f = f.slice(0, span.start) + foldText(text) + f.slice(span.end);
  }
  return { original: o, folded: f };
}

function clean(raw: string): string | undefined {
  let title = raw.replace(/[¤"“”„'‘’]+/g, ' ').replace(/\s+/g, ' ').trim();
  title = title.split(' ').slice(0, ENGINE_LIMITS.titleWords).join(' ');
  for (let i = 0; i < 3; i++) title = title.replace(TITLE_TRAILING, '').replace(/[\s,.;:!?-]+$/, '');
  title = title.replace(/^(?:an?|the|some|to)\s+/i, '');
  for (const [pattern, nominative] of POLISH_NOMINATIVE) title = title.replace(pattern, nominative);
  title = capitalise(title).slice(0, SPEC_LIMITS.titleLength).trim();
  return asciiWords(title).some((w) => /[a-z]/.test(w)) || /\p{L}{2}/u.test(title) ? title : undefined;
}

/** A slug for the app from its title ("REST API for books" → "rest-api-books"). */
export function slugFromTitle(title: string): string | undefined {
  const parts = asciiWords(title).filter((w) => !SLUG_STOP.has(w));
  return toSlug(parts.slice(0, ENGINE_LIMITS.slugWords), SPEC_LIMITS.nameLength);
}

/** The request itself, tidied and capped, as the spec's summary. */
export function summaryOf(original: string): string {
  const text = original.replace(/\s+/g, ' ').trim();
  if (text.length <= ENGINE_LIMITS.summaryChars) return text;
  const cut = text.slice(0, ENGINE_LIMITS.summaryChars);
  const sentenceEnd = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
  if (sentenceEnd > ENGINE_LIMITS.summaryChars / 2) return cut.slice(0, sentenceEnd + 1);
  const space = cut.lastIndexOf(' ');
  return `${cut.slice(0, space > 0 ? space : cut.length)}…`;
}

/** Whether the request has any words at all (emoji, digits and junk do not count). */
export function hasContent(maskedOriginal: string): boolean {
  return words(maskedOriginal).some(({ word }) => /\p{L}{2,}/u.test(word) && !NOT_CONTENT.test(foldText(word)));
}

/** Words that alone say nothing about an app ("Hello?", "test", "dzięki"). */
const NOT_CONTENT = /^(?:hi|hello|hey|please|thanks|thank|you|test|testing|ok|okay|yes|no|cze\w*|hej|dzien|dobry|prosze|dzieki|dziekuje|tak|nie|halo|a|i|the)$/;
