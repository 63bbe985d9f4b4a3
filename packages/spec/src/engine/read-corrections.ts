import type { Field } from '../app-spec.js';
import type { Language } from './detect-language.js';
import type { Span } from './extract-locations.js';
import { parseFieldList } from './parse-field-list.js';
import { ADD_FIELD_BEFORE, MARKETPLACE_QUESTIONS, MOVE_PATTERNS, PRONOUNS, RENAME_PATTERNS, SWAP_PATTERNS } from './rules/correction-rules.js';
import { OPTIONAL_WORDS, REQUIRED_WORDS, TYPE_WORDS } from './rules/field-type-rules.js';

/** "X, not Y" or "rename X to Y": `from` is what the draft has, `to` what it should have (folded and as written). */
export interface Swap {
  from: string;
  to: string;
  /** `to` as the user wrote it, for labels ("Numer seryjny"). */
  toOriginal: string;
  /** What the message says it renames ("field", "pola", …), when it says. */
  what?: string;
}

/** "move phone to the top": the field (as written, folded) and where it goes. */
export interface Move {
  field: string;
  to: 'first' | 'last' | { before: string } | { after: string };
}

export interface CorrectionFindings {
  swaps: Swap[];
  moves: Move[];
  /** Fields named before the word "field" ("Add a notes field too."). */
  addedFields: Field[];
  /** Spans the other readers must not see again (a swap is not a list of fields). */
  spans: Span[];
  /** The whole message is a question about the marketplace ("what can you do?"). */
  marketplaceQuestion: boolean;
}

const ARTICLE = /^(?:(?:an?|the|some|pole|pola)\s+)/;

function clean(phrase: string): string {
  return phrase.trim().replace(ARTICLE, '').trim();
}

/** Read corrections and questions about the marketplace from one message (folded text with locations masked). */
export function readCorrections(original: string, foldedMasked: string, language: Language): CorrectionFindings {
  const trimmed = foldedMasked.trim();
  const marketplaceQuestion = trimmed.length <= 120 && MARKETPLACE_QUESTIONS.some((p) => p.test(trimmed));
  const swaps: Swap[] = [];
  const spans: Span[] = [];
  const taken = (start: number, end: number): boolean => spans.some((s) => start < s.end && end > s.start);
  for (const pattern of [...RENAME_PATTERNS, ...SWAP_PATTERNS]) {
    pattern.lastIndex = 0;
    for (const m of foldedMasked.matchAll(pattern)) {
      const groups = m.groups!;
      const start = m.index;
      const end = m.index + m[0].length;
      if (taken(start, end) || !groups.from || !groups.to) continue;
      const toStart = m.index + m[0].lastIndexOf(groups.to);
      const from = clean(groups.from);
      const to = clean(groups.to);
      if (!from || !to || from === to || PRONOUNS.test(from)) continue;
      // "change price to a number", "email should be required" are retypes, read elsewhere.
      if (TYPE_WORDS.some(([p]) => p.test(to)) || REQUIRED_WORDS.test(to) || OPTIONAL_WORDS.test(to)) continue;
      const what = groups.what ?? groups.what2;
      const toOriginal = original.slice(toStart + (groups.to.length - groups.to.trimStart().length), toStart + groups.to.length).replace(/^(?:an?|the|some)\s+/i, '').trim();
      swaps.push({ from, to, toOriginal, ...(what ? { what } : {}) });
      spans.push({ start, end });
    }
  }
  const moves: Move[] = [];
  for (const pattern of MOVE_PATTERNS) {
    pattern.lastIndex = 0;
    for (const m of foldedMasked.matchAll(pattern)) {
      const g = m.groups!;
      if (taken(m.index, m.index + m[0].length)) continue;
      const field = clean(g.field!);
      const other = g.other ? clean(g.other) : g.other2 ? clean(g.other2) : undefined;
      const to: Move['to'] | undefined = g.first ? 'first' : g.last ? 'last' : g.before && other ? { before: other } : g.after && other ? { after: other } : undefined;
      if (!field || !to || field === other) continue;
      moves.push({ field, to });
      spans.push({ start: m.index, end: m.index + m[0].length });
    }
  }
  const addedFields: Field[] = [];
  ADD_FIELD_BEFORE.lastIndex = 0;
  for (const m of foldedMasked.matchAll(ADD_FIELD_BEFORE)) {
    const listStart = m.index + m[0].indexOf(m.groups!.list!);
    const list = m.groups!.list!;
    const parsed = parseFieldList({ orig: original.slice(listStart, listStart + list.length), fold: list }, language);
    if (parsed.fields.length === 0) continue;
    addedFields.push(...parsed.fields);
    spans.push({ start: m.index, end: m.index + m[0].length });
  }
  return { swaps, moves, addedFields, spans, marketplaceQuestion };
}
