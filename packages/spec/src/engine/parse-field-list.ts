import { SPEC_LIMITS, type Field, type FieldType } from '../app-spec.js';
import type { Language } from './detect-language.js';
import { ENGINE_LIMITS } from './engine-limits.js';
import { expandFieldRanges } from './expand-field-ranges.js';
import { clauseName } from './field-clause-name.js';
import { applyQualifiers, readQualifierHint, stripQualifiers, RANGE_PROTECTED, type Qualifiers } from './field-qualifiers.js';
import { fold, MASK } from './prepare-text.js';
import { COMMON_FIELDS, ITEM_CUT, ITEM_JOIN, ITEM_LEAD, ITEM_PROTECTED, ITEM_REJECT, ITEM_VERB } from './rules/entity-rules.js';
import { FIELD_TYPE_RULES, OPTIONAL_WORDS, REQUIRED_WORDS, TYPE_WORDS } from './rules/field-type-rules.js';
import { FIELD_NAMES, POLISH_LABELS } from './rules/glossary.js';
import { asciiWords, capitalise, toIdentifier } from './tokenize.js';

/** A piece of text with its folded twin (same indices). */
export interface Piece {
  orig: string;
  fold: string;
}

export interface ParsedList {
  fields: Field[];
  /** How many items read as fields that we recognise (typed or well-known names). */
  known: number;
  /** Items between fields that could not be read as anything (symbols, stray characters); asked about. */
  unread: string[];
  /** The record the items say they describe ("date of the incident" → "incident"). */
  entityHint?: string;
}

const RESERVED = new Set(['id', 'createdat', 'updatedat', 'created', 'updated']);

function slice(piece: Piece, start: number, end = piece.orig.length): Piece {
  return { orig: piece.orig.slice(start, end), fold: piece.fold.slice(start, end) };
}

function trim(piece: Piece): Piece {
  const lead = piece.fold.length - piece.fold.trimStart().length;
  const tail = piece.fold.trimEnd().length;
  return slice(piece, lead, Math.max(lead, tail));
}

/** Split at commas/semicolons and conjunctions that are not inside parentheses or fixed phrases. */
export function splitItems(list: Piece): Piece[] {
  const cuts: [number, number][] = [];
  const depthAt: number[] = [];
  let depth = 0;
  for (let i = 0; i < list.fold.length; i++) {
    const ch = list.fold[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    depthAt.push(depth);
    if ((ch === ',' || ch === ';') && depth === 0) cuts.push([i, i + 1]);
  }
  const protectedSpans = [...list.fold.matchAll(ITEM_PROTECTED), ...list.fold.matchAll(RANGE_PROTECTED)].map((m) => [m.index, m.index + m[0].length] as const);
  for (const m of list.fold.matchAll(ITEM_JOIN)) {
    if (depthAt[m.index] !== 0) continue;
    if (protectedSpans.some(([s, e]) => m.index > s && m.index < e)) continue;
    cuts.push([m.index, m.index + m[0].length]);
  }
  cuts.sort((a, b) => a[0] - b[0]);
  const items: Piece[] = [];
  let from = 0;
  for (const [start, end] of cuts) {
    if (start < from) continue;
    items.push(trim(slice(list, from, start)));
    from = end;
    if (items.length >= ENGINE_LIMITS.listItems) return items;
  }
  items.push(trim(slice(list, from)));
  return items.filter((p) => p.fold.length > 0);
}

/** Read a list of fields; stops at the first item that is not a field (the next clause). */
export function parseFieldList(list: Piece, language: Language): ParsedList {
  const fields: Field[] = [];
  const unread: string[] = [];
  let known = 0;
  let entityHint: string | undefined;
  for (const raw of splitItems(expandFieldRanges(list))) {
    let item = raw;
    const cut = ITEM_CUT.exec(item.fold);
    if (cut) item = trim(slice(item, 0, cut.index));
    // Symbols, emoji and stray characters between items are left out (and reported), not the end of the list.
    if (!/\p{L}/u.test(item.orig)) {
      if (item.orig.trim()) unread.push(item.orig.trim().slice(0, 40));
      if (cut) break;
      continue;
    }
    const built = buildField(item, language);
    if (!built) {
      // A long phrase that is no clause ("first aid given to the injured person") is asked about, and the list goes on.
      if (item.fold.split(/\s+/).length > ENGINE_LIMITS.fieldWords && !ITEM_REJECT.test(item.fold) && !item.fold.includes(MASK) && !cut) {
        unread.push(item.orig.trim().slice(0, 60));
        continue;
      }
      break;
    }
    if (built.known) known++;
    entityHint ??= built.entityHint;
    const key = built.field.name.toLowerCase();
    if (!RESERVED.has(key) && !fields.some((f) => f.name.toLowerCase() === key) && fields.length < SPEC_LIMITS.fieldsPerEntity) fields.push(built.field);
    if (cut) break;
  }
  return { fields, known, unread, ...(entityHint ? { entityHint } : {}) };
}

function stripLead(piece: Piece): Piece {
  const lead = ITEM_LEAD.exec(piece.fold);
  return lead ? slice(piece, lead[0].length) : piece;
}

/** "date and time of the incident" → "date and time", with "incident" as a hint at the entity. */
const OF_THE = /\s+(?:of|for|from|about|dotycz\w*)\s+(?:the|this|that|each|every|an?)\s+([a-z][\w-]*(?:\s+[a-z][\w-]*)?)$/;

/** One list item ("status (open, closed)", "price: number", "email (required)") to a field. */
export function buildField(rawItem: Piece, language: Language): { field: Field; known: boolean; entityHint?: string } | undefined {
  let item = stripLead(trim(rawItem));
  item = slice(item, 0, item.fold.replace(/[.!?:]+$/, '').length);
  // "owner's email" is the owner e-mail.
  item = { orig: item.orig.replace(/['’]s\b/g, '  '), fold: item.fold.replace(/['’]s\b/g, '  ') };
  const qualifiers: Qualifiers = {};
  let hint: string | undefined;
  let values: string[] | undefined;
  const paren = /^([^()]*?)\s*\(([^()]*)\)/.exec(item.fold);
  if (paren) {
    const inner = item.orig.slice(paren[1]!.length, paren[0].length).trim().slice(1, -1);
    // "status (open, closed) default closed": qualifiers may follow the brackets.
    const after = item.fold.slice(paren[0].length).trim();
    if (after) stripQualifiers(`x ${after}`, qualifiers);
    item = trim(slice(item, 0, paren[1]!.length));
    const innerFold = inner.toLowerCase().trim();
    if (isHint(innerFold)) hint = innerFold;
    else if (!readQualifierHint(fold(innerFold), qualifiers)) values = enumValues(inner);
  }
  const suffix = /\s*(?::|\s-\s|\s+as\s+(?:an?\s+)?|\s+jako\s+)\s*([a-z/\s-]{2,30})$/.exec(item.fold);
  if (suffix && isHint(suffix[1]!.trim())) {
    hint = suffix[1]!.trim();
    item = trim(slice(item, 0, suffix.index));
  }
  const kept = stripQualifiers(item.fold, qualifiers);
  item = trim(slice(item, kept.skip, kept.keep));
  item = stripLead(item);
  // "… and lets people pick a slot", "… i wybierają warsztat": the verb of a sentence list is not part of the name.
  const verb = ITEM_VERB.exec(item.fold);
  if (verb && verb[0].length < item.fold.length) item = stripLead(slice(item, verb[0].length));
  let entityHint: string | undefined;
  const ofThe = OF_THE.exec(item.fold);
  if (ofThe && ofThe.index > 0) {
    entityHint = ofThe[1];
    item = trim(slice(item, 0, ofThe.index));
  }
  const clause = clauseName(item.fold);
  const words = (clause ?? item.fold).split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > ENGINE_LIMITS.fieldWords) return undefined;
  // A name with its type or qualifiers in brackets is a field even when it reads like a clause ("would you join (yes/no)").
  const bracketed = paren !== null && (hint !== undefined || Object.keys(qualifiers).length > 0);
  if (!/\p{L}/u.test(item.orig) || item.fold.includes(MASK) || /^\d/.test(item.fold) || (!bracketed && ITEM_REJECT.test(item.fold))) return undefined;
  if (/^(?:etc|itd|itp|and\s+so\s+on|i\s+tak\s+dalej)$/.test(item.fold)) return undefined;

  const glossary = FIELD_NAMES.find(([pattern]) => pattern.test(item.fold))?.[1];
  const name = glossary ?? toIdentifier(clause ?? item.fold);
  if (!name) return undefined;
  let type: FieldType = inferFieldType(item.fold, language);
  const typed = type !== 'string';
  if (hint && REQUIRED_WORDS.test(hint)) qualifiers.required = true;
  else if (hint && OPTIONAL_WORDS.test(hint)) qualifiers.required = false;
  else if (hint) type = TYPE_WORDS.find(([p]) => p.test(hint!))?.[1] ?? type;
  const field: Field = { name, type };
  if (values && values.length >= 2) {
    field.type = 'enum';
    field.values = values;
  }
  applyQualifiers(field, qualifiers);
  const polishLabel = language === 'pl' && glossary ? POLISH_LABELS[glossary] : undefined;
  field.label = (polishLabel ?? capitalise(item.orig.replace(/\s+/g, ' ').trim())).slice(0, ENGINE_LIMITS.labelChars);
  const known = typed || Boolean(glossary) || Boolean(values) || COMMON_FIELDS.test(item.fold) || Boolean(hint) || Object.keys(qualifiers).length > 0;
  return { field, known, ...(entityHint ? { entityHint } : {}) };
}

function isHint(text: string): boolean {
  return REQUIRED_WORDS.test(text) || OPTIONAL_WORDS.test(text) || TYPE_WORDS.some(([p]) => p.test(text));
}

/** "open, in progress or closed" → ["open", "in progress", "closed"] (at least two, unique). */
export function enumValues(inner: string): string[] | undefined {
  const parts = inner
    .split(/\s*(?:,|\/|\||;|\s(?:or|lub|albo|and|i|oraz)\s)\s*/i)
    .map((v) => v.trim().replace(/^["'“”‘’]+|["'“”‘’]+$/g, '').trim())
    .filter((v) => v.length > 0 && v.length <= ENGINE_LIMITS.enumValueChars && !v.includes(MASK));
  const unique: string[] = [];
  for (const value of parts) if (!unique.some((u) => u.toLowerCase() === value.toLowerCase())) unique.push(value);
  return unique.length >= 2 ? unique.slice(0, SPEC_LIMITS.enumValues) : undefined;
}

/** The type a field's name suggests (rules table in rules/field-type-rules.ts). */
export function inferFieldType(foldedName: string, language: Language): FieldType {
  const phrase = asciiWords(foldedName).join(' ') || foldedName;
  const withHyphens = foldedName.trim();
  for (const rule of FIELD_TYPE_RULES) {
    if (rule.language && rule.language !== language) continue;
    if (rule.pattern.test(withHyphens) || rule.pattern.test(phrase)) return rule.type;
  }
  return 'string';
}
