import type { Field, FieldType } from '../app-spec.js';
import { OPTIONAL_WORDS, REQUIRED_WORDS, TYPE_WORDS, UNIQUE_WORDS } from './rules/field-type-rules.js';

/** What the words around a field's name say about it besides its type. */
export interface Qualifiers {
  /** A type named among the qualifiers ("email, required"). */
  type?: FieldType;
  required?: boolean;
  unique?: boolean;
  min?: number;
  max?: number;
  /** As written; turned into the field's type once the type is known. */
  defaultText?: string;
}

const NUMBER = '(-?\\d+(?:[.,]\\d+)?)';
/** "from 1 to 5", "between 1900 and 2100", "od 1 do 5", "1-5", "1 to 6" (folded text). */
const RANGE = new RegExp(`(?:^|\\s|\\()(?:(?:from|between|od|w\\s+zakresie(?:\\s+od)?|range)\\s+)?${NUMBER}\\s*(?:-|–|to|and|do|\\.\\.)\\s*${NUMBER}(?=$|\\s|\\))`);
/** "(default 1)", "default: open", "domyślnie tak" (folded text). */
const DEFAULT = /(?:^|\s|\()(?:default(?:s)?(?:\s+(?:is|to|value))?|domyslnie|domyslna\s+wartosc|wartosc\s+domyslna)\s*:?\s*["“„']?([^"”')]{1,40}?)["”']?(?=$|\)|,)/;
/** Qualifier words that may lead or trail a field's name ("an optional due date", "email required"). */
const LEADING = /^(?:(?:optional|optionally|required|mandatory|unique|opcjonaln\w*|wymagan\w*|obowiazkow\w*|unikaln\w*)\s+)+/;
const TRAILING = /(?:\s+(?:optional|required|mandatory|unique|opcjonaln\w*|wymagan\w*|obowiazkow\w*|unikaln\w*))+$/;

function toNumber(text: string): number {
  return Number(text.replace(',', '.'));
}

/** Read one qualifier word into `q`; false when the word is not one. */
export function applyQualifierWord(word: string, q: Qualifiers): boolean {
  const w = word.trim();
  if (REQUIRED_WORDS.test(w)) q.required = true;
  else if (OPTIONAL_WORDS.test(w)) q.required = false;
  else if (UNIQUE_WORDS.test(w)) q.unique = true;
  else return false;
  return true;
}

/** A parenthesised or trailing hint made only of qualifiers ("required, unique", "1 to 6", "default 1"). */
export function readQualifierHint(foldedHint: string, q: Qualifiers): boolean {
  const parts = foldedHint.split(/\s*[,;]\s*/).filter(Boolean);
  if (parts.length === 0) return false;
  const found: Qualifiers = {};
  for (const part of parts) {
    if (applyQualifierWord(part, found)) continue;
    const type = parts.length > 1 ? TYPE_WORDS.find(([p]) => p.test(part))?.[1] : undefined;
    if (type) {
      found.type = type;
      continue;
    }
    const range = RANGE.exec(part);
    if (range && range[0].trim().length >= part.length - 1) {
      found.min = toNumber(range[1]!);
      found.max = toNumber(range[2]!);
      continue;
    }
    const def = DEFAULT.exec(part);
    if (def && def.index <= 1) {
      found.defaultText = def[1]!.trim();
      continue;
    }
    return false;
  }
  Object.assign(q, found);
  return true;
}

/**
 * Take the qualifiers out of a folded item ("an optional due date", "condition from 1 to 5",
 * "copies default 1") and return how many characters to keep from the start and to skip at the start.
 */
export function stripQualifiers(folded: string, q: Qualifiers): { skip: number; keep: number } {
  let skip = 0;
  let keep = folded.length;
  const lead = LEADING.exec(folded);
  if (lead) {
    for (const word of lead[0].trim().split(/\s+/)) applyQualifierWord(word, q);
    skip = lead[0].length;
  }
  const def = DEFAULT.exec(folded.slice(skip, keep));
  if (def && def.index > 0) {
    q.defaultText = def[1]!.trim();
    keep = skip + def.index;
  }
  const range = RANGE.exec(folded.slice(skip, keep));
  if (range && range.index > 0) {
    q.min = toNumber(range[1]!);
    q.max = toNumber(range[2]!);
    keep = skip + range.index;
  }
  const trail = TRAILING.exec(folded.slice(skip, keep));
  if (trail && trail.index > 0) {
    for (const word of trail[0].trim().split(/\s+/)) applyQualifierWord(word, q);
    keep = skip + trail.index;
  }
  return { skip, keep };
}

const YES = /^(?:yes|true|tak|on|checked|zaznaczon\w*)$/i;
const NO = /^(?:no|false|nie|off|unchecked|niezaznaczon\w*)$/i;

/** Put the qualifiers on a built field, keeping it valid against the schema (a range makes a number). */
export function applyQualifiers(field: Field, q: Qualifiers): void {
  if (q.type && field.type !== 'enum') field.type = q.type;
  if (q.required !== undefined) field.required = q.required;
  if (q.unique) field.unique = true;
  if (q.min !== undefined && q.max !== undefined && Number.isFinite(q.min) && Number.isFinite(q.max) && q.min <= q.max) {
    if (field.type !== 'number' && field.type !== 'integer') field.type = Number.isInteger(q.min) && Number.isInteger(q.max) ? 'integer' : 'number';
    field.min = q.min;
    field.max = q.max;
  }
  if (q.defaultText === undefined) return;
  const text = q.defaultText;
  // "copies (default 1)": a number for a default says the field holds numbers.
  if (field.type === 'string' && /^-?\d+(?:[.,]\d+)?$/.test(text)) field.type = /^-?\d+$/.test(text) ? 'integer' : 'number';
  if (field.type === 'number' || field.type === 'integer') {
    const value = toNumber(text);
    if (Number.isFinite(value) && (field.type === 'number' || Number.isInteger(value))) field.default = value;
  } else if (field.type === 'boolean') {
    if (YES.test(text)) field.default = true;
    else if (NO.test(text)) field.default = false;
  } else if (field.type === 'enum') {
    const value = field.values?.find((v) => v.toLowerCase() === text.toLowerCase());
    if (value) field.default = value;
  } else if (field.type === 'string' || field.type === 'text') {
    field.default = text;
  }
}

/** Phrases whose "and"/"do" is part of one item ("between 1900 and 2100", "od 1 do 5"). */
export const RANGE_PROTECTED = /\b(?:between|from|od)\s+-?\d+(?:[.,]\d+)?\s+(?:and|to|do)\s+-?\d+/g;
