import type { Field } from '../app-spec.js';
import type { Language } from './detect-language.js';
import { ENGINE_LIMITS } from './engine-limits.js';
import { entityName, nounAfter, nounBefore, nounWords } from './entity-naming.js';
import { readQualifierHint } from './field-qualifiers.js';
import { parseFieldList, type Piece } from './parse-field-list.js';
import { APP_NOUN_EN, APP_NOUN_PL, COMMON_FIELDS, ENTITY_CUES, ENUM_NOUNS, LIST_TRIGGERS, PAREN_ENTITY } from './rules/entity-rules.js';
import { FIELD_NAMES } from './rules/glossary.js';
import { MASK } from './prepare-text.js';

export interface FoundList {
  /** The entity the request names for this list; undefined means "the app's main entity". */
  entity?: string;
  fields: Field[];
  /** Where a title must stop in the message (the list's trigger, after any entity it names). */
  start: number;
}

export interface EntityFindings {
  lists: FoundList[];
  /** Pieces of the lists that could not be read (stray symbols between items): asked about, never dropped silently. */
  unread: string[];
  /** An entity named without fields ("an API for managing books"): the next question asks for them. */
  namedEntity?: string;
}

interface Sentence {
  start: number;
  piece: Piece;
}

/** "\n- date", "\n2) amount": a bulleted or numbered line continues a list (same length, so indices hold). */
const BULLET = /\n[ \t]*(?:[-*•·–]|\d{1,2}[.)])[ \t]+/g;

function isShortItem(segment: string): boolean {
  return !segment.includes(':') && segment.trim().split(/\s+/).length <= 4;
}

function sentences(original: string, foldedMasked: string): Sentence[] {
  const folded = foldedMasked.replace(BULLET, (m) => ',' + ' '.repeat(m.length - 1));
  const out: Sentence[] = [];
  const boundary = /[.!?]+(?=\s|$)|;|\n+/g;
  let from = 0;
  for (const m of folded.matchAll(boundary)) {
    // "name; sku; quantity; price": a semicolon before a short item separates items, not sentences.
    if (m[0] === ';' && isShortItem(/^[^;.!?\n]*/.exec(folded.slice(m.index + 1, m.index + 120))![0])) continue;
    out.push({ start: from, piece: { orig: original.slice(from, m.index), fold: folded.slice(from, m.index) } });
    from = m.index + m[0].length;
  }
  out.push({ start: from, piece: { orig: original.slice(from), fold: folded.slice(from) } });
  return out.filter((s) => s.piece.fold.trim().length > 0);
}

interface TriggerHit {
  start: number;
  afterNoun: boolean;
  /** Where a title must stop: after the entity a trigger names ("laptops: …"), else at the trigger. */
  titleCut: number;
  end: number;
  minItems: number;
  entityWords?: string[];
  rank: number;
}

/** Find the lists of fields in a message and the entities they belong to. */
export function extractEntities(original: string, foldedMasked: string, language: Language, expectFields = false): EntityFindings {
  const lists: FoundList[] = [];
  const unread: string[] = [];
  for (const sentence of sentences(original, foldedMasked)) readSentence(sentence, language, lists, unread);
  if (lists.length === 0 && expectFields) {
    const bare = parseFieldList({ orig: original, fold: foldedMasked }, language);
    if (bare.fields.length > 0) lists.push({ fields: bare.fields, start: 0 });
    unread.push(...bare.unread);
  }
  const namedEntity = findNamedEntity(foldedMasked, language);
  return { lists, unread, ...(namedEntity ? { namedEntity } : {}) };
}

function readSentence(sentence: Sentence, language: Language, lists: FoundList[], unread: string[]): void {
  let fold = sentence.piece.fold;
  const orig = sentence.piece.orig;
  for (const m of fold.matchAll(PAREN_ENTITY)) {
    const nounWordsBefore = nounBefore(m.groups!.e!);
    if (nounWordsBefore.length === 0 || ENUM_NOUNS.test(m.groups!.e!) || isFieldName(nounWordsBefore.join(' '))) continue;
    const listStart = m.index + m[0].indexOf('(') + 1;
    const list = { orig: orig.slice(listStart, m.index + m[0].length - 1), fold: fold.slice(listStart, m.index + m[0].length - 1) };
    // "booked by (email, required)" is one field with its type and qualifiers, not a record with fields.
    if (readQualifierHint(list.fold.trim(), {})) continue;
    const parsed = parseFieldList(list, language);
    if (parsed.fields.length < 2 || parsed.known < 1) continue;
    lists.push({ entity: entityName(nounWordsBefore, language), fields: parsed.fields, start: sentence.start + m.index });
    fold = fold.slice(0, m.index) + ' '.repeat(m[0].length) + fold.slice(m.index + m[0].length);
  }

  const hits: TriggerHit[] = [];
  LIST_TRIGGERS.forEach((trigger, rank) => {
    trigger.pattern.lastIndex = 0;
    for (const m of fold.matchAll(trigger.pattern)) {
      const e = m.groups?.e;
      const entityWords = trigger.namesEntity && e ? nounBefore(e) : undefined;
      const titleCut = trigger.namesEntity && e ? m.index + m[0].indexOf(e) + e.length : m.index;
      const named = trigger.afterNoun && e ? entityWordsFromPhrase(fold.slice(0, m.index + m[0].indexOf(e) + e.length), language) : undefined;
      const words = named && named.length > 0 ? named : entityWords;
      hits.push({ start: m.index, end: m.index + m[0].length, titleCut, minItems: trigger.minItems, rank, afterNoun: Boolean(trigger.afterNoun), ...(words && words.length > 0 ? { entityWords: words } : {}) });
    }
  });
  hits.sort((a, b) => a.start - b.start || a.rank - b.rank);
  hits.splice(ENGINE_LIMITS.listTriggers);
  let consumedUntil = -1;
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i]!;
    if (hit.start < consumedUntil) continue;
    // "track laptops: serial number, …", "we need to store employees: name, …": a colon after a noun a few
    // words on names the entity and starts the list, so it wins over the verb before it.
    if (hits.slice(i + 1).some((h) => h.afterNoun && h.start >= hit.end && /^\s*(?:[a-z]\w*\s+){0,3}$/.test(fold.slice(hit.end, h.start)))) continue;
    const next = hits.slice(i + 1).find((h) => h.start >= hit.end && h.rank < hit.rank);
    const end = Math.min(next ? next.start : fold.length, hit.end + ENGINE_LIMITS.listChars);
    const parsed = parseFieldList({ orig: orig.slice(hit.end, end), fold: fold.slice(hit.end, end) }, language);
    if (parsed.fields.length < hit.minItems || (hit.minItems > 1 && parsed.known < 1)) continue;
    const words = hit.entityWords ?? entityWordsBefore(fold.slice(0, hit.start), language);
    const entity = entityName(words, language) ?? (parsed.entityHint ? entityName(nounWords(parsed.entityHint), language) : undefined);
    unread.push(...parsed.unread);
    lists.push({ ...(entity ? { entity } : {}), fields: parsed.fields, start: sentence.start + hit.titleCut });
    consumedUntil = end;
  }
  if (consumedUntil < 0 && hits.length === 0) readBareList(sentence, fold, language, lists);
}

/** A sentence that is only a list ("Employee, date, hours, reason, approved yes/no."): at least three items, two of them recognisable fields. */
function readBareList(sentence: Sentence, fold: string, language: Language, lists: FoundList[]): void {
  if ((fold.match(/,/g)?.length ?? 0) < 2) return;
  const parsed = parseFieldList({ orig: sentence.piece.orig, fold }, language);
  const items = fold.split(/,|\s(?:and|i|oraz)\s/).filter((p) => p.trim()).length;
  if (parsed.fields.length < 3 || parsed.known < 2 || parsed.fields.length < items - 1) return;
  const entity = parsed.entityHint ? entityName(nounWords(parsed.entityHint), language) : undefined;
  lists.push({ ...(entity ? { entity } : {}), fields: parsed.fields, start: sentence.start });
}

/**
 * The record a phrase before a list names: the noun next to an app word ("Accident register for the
 * factory floor" → accident, "Dziennik wypadków w hali" → wypadków), else the noun right before.
 */
function entityWordsFromPhrase(foldedPhrase: string, language: Language): string[] | undefined {
  const pattern = language === 'pl' ? APP_NOUN_PL : APP_NOUN_EN;
  pattern.lastIndex = 0;
  let last: RegExpExecArray | undefined;
  for (const m of foldedPhrase.matchAll(pattern)) last = m as RegExpExecArray;
  if (!last) return undefined;
  if (language === 'pl') {
    const after = nounAfter(foldedPhrase.slice(last.index + last[0].length).split(/\s(?:w|we|na|dla|z|ze|do|od|przy)\s/)[0] ?? '', 2);
    if (after.length > 0) return after;
    return undefined;
  }
  // "sign-in sheet for visitors": a hyphenated word before the app word describes it; the record follows "for".
  const before = /[a-z]-[a-z]+\s*$/.test(foldedPhrase.slice(0, last.index)) ? [] : nounBefore(foldedPhrase.slice(0, last.index), 2);
  if (before.length > 0) return before;
  const after = /^\s+(?:for|of|about)\s+(.*)$/.exec(foldedPhrase.slice(last.index + last[0].length));
  return after ? nounAfter(after[1]!.split(/\s(?:in|at|on|for|with|from)\s/)[0] ?? '', 2) : undefined;
}

const TRAILING_MASK = new RegExp(`[${MASK}\\s]+$`);

/** "… the sales CSV at /srv/x.csv with columns …": where the data lives, not what it is (the path is masked out). */
const LOCATED_AT = /(?:\s+(?:csv|tsv|file|export|spreadsheet|sheet|excel|plik\w*|eksport\w*|arkusz\w*))*\s+(?:at|in|from|under|on|by|w|z|ze|pod)\s*$/;

/** The noun a list belongs to, from the words before its trigger ("a form for event registrations with …"). */
function entityWordsBefore(foldedBefore: string, language: Language): string[] {
  const direct = nounBefore(foldedBefore.replace(TRAILING_MASK, '').replace(LOCATED_AT, ''), language === 'pl' ? 3 : 2);
  if (direct.length > 0) return language === 'pl' ? direct.slice(0, 2) : direct;
  // "a feedback form that asks for …": the word before the app word.
  return entityWordsFromPhrase(foldedBefore, language) ?? [];
}

/** "an API for managing books", "rejestr pracowników": an entity even before its fields are known. */
export function findNamedEntity(foldedMasked: string, language: Language): string | undefined {
  ENTITY_CUES.lastIndex = 0;
  for (const m of foldedMasked.matchAll(ENTITY_CUES)) {
    const rest = foldedMasked.slice(m.index + m[0].length, m.index + m[0].length + 80);
    const words = nounAfter(rest.split(/[,.;:!?()\n]/)[0] ?? '', 2);
    // "asks for name and email": a field, not the record.
    if (words.length === 0 || isFieldName(words.join(' '))) continue;
    const name = entityName(language === 'pl' ? words.slice(0, 2) : words, language);
    if (name) return name;
  }
  return undefined;
}

/** "dział (IT, HR)" is a field with values, not an entity called "dział". */
function isFieldName(foldedWords: string): boolean {
  return FIELD_NAMES.some(([p]) => p.test(foldedWords)) || COMMON_FIELDS.test(foldedWords);
}
