import { ENGINE_LIMITS } from './engine-limits.js';

export interface PreparedText {
  /** The analysed text: well-formed, NFC, control characters removed, capped. */
  text: string;
  /** Lower-case, diacritics removed, same length and indices as `text`. */
  folded: string;
  /** True when the input was longer than the analysed part. */
  truncated: boolean;
}

// C0/C1 controls except tab and newline, plus zero-width and bidi controls: binary junk must not reach the rules.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** Normalise one untrusted message so every rule can run over it safely and in bounded time. */
export function prepareText(raw: string): PreparedText {
  let text = raw.length > ENGINE_LIMITS.analysedChars * 2 ? raw.slice(0, ENGINE_LIMITS.analysedChars * 2) : raw;
  text = wellFormed(text).replace(/\r\n?/g, '\n').replace(CONTROL, ' ').normalize('NFC');
  let truncated = raw.length > ENGINE_LIMITS.analysedChars * 2;
  if (text.length > ENGINE_LIMITS.analysedChars) {
    truncated = true;
    const cut = text.lastIndexOf(' ', ENGINE_LIMITS.analysedChars);
    text = text.slice(0, cut > ENGINE_LIMITS.analysedChars / 2 ? cut : ENGINE_LIMITS.analysedChars);
    // Never leave half of a surrogate pair at the end.
    text = wellFormed(text);
  }
  return { text, folded: fold(text), truncated };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replace lone surrogate halves (binary junk) with U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

const foldCache = new Map<string, string>();

function foldChar(ch: string): string {
  const cached = foldCache.get(ch);
  if (cached !== undefined) return cached;
  let out = ch;
  if (ch === 'ł' || ch === 'Ł') out = 'l';
  else {
    const lower = ch.toLowerCase();
    if (lower.length === 1) {
      const base = lower.normalize('NFD').charAt(0);
      out = base.length === 1 ? base : lower;
    }
  }
  if (foldCache.size < 4096) foldCache.set(ch, out);
  return out;
}

/**
 * Lower-case and strip diacritics ("Zgłoszeń" → "zgloszen") one UTF-16 unit at a time, so the
 * folded text keeps the indices of the original: a match on the folded text slices the original.
 */
export function fold(text: string): string {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 128) parts.push(code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : text[i]!);
    else if (code >= 0xd800 && code <= 0xdfff) parts.push(text[i]!);
    else parts.push(foldChar(text[i]!));
  }
  return parts.join('');
}

/** The mask character that replaces URLs, addresses and paths so word rules do not see them. */
export const MASK = '¤';

/** Replace the given spans of `text` with the mask character, keeping its length. */
export function maskSpans(text: string, spans: readonly { start: number; end: number }[]): string {
  if (spans.length === 0) return text;
  const chars = text.split('');
  for (const span of spans) for (let i = span.start; i < span.end && i < chars.length; i++) chars[i] = MASK;
  return chars.join('');
}
