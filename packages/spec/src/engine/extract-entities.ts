import type { Field } from '../app-spec.js';
import type { Language } from './detect-language.js';
import { ENGINE_LIMITS } from './engine-limits.js';
import { entityName, nounAfter, nounBefore } from './entity-naming.js';
import { parseFieldList, type Piece } from './parse-field-list.js';
import { COMMON_FIELDS, ENTITY_CUES, ENUM_NOUNS, LIST_TRIGGERS, PAREN_ENTITY } from './rules/entity-rules.js';
import { FIELD_NAMES } from './rules/glossary.js';

export interface FoundList {
  /** The entity the request names for this list; undefined means "the app's main entity". */
  entity?: string;
  fields: Field[];
  /** Where a title must stop in the message (the list's trigger, after any entity it names). */
  start: number;
}

export interface EntityFindings {
  lists: FoundList[];
  /** An entity named without fields ("an API for managing books"): the next question asks for them. */
  namedEntity?: string;
}

interface Sentence {
  start: number;
  piece: Piece;
}

function sentences(original: string, foldedMasked: string): Sentence[] {
  const out: Sentence[] = [];
  const boundary = /[.!?]+(?=\s|$)|;|\n+/g;
  let from = 0;
  for (const m of foldedMasked.matchAll(boundary)) {
    out.push({ start: from, piece: { orig: original.slice(from, m.index), fold: foldedMasked.slice(from, m.index) } });
    from = m.index + m[0].length;
  }
  out.push({ start: from, piece: { orig: original.slice(from), fold: foldedMasked.slice(from) } });
  return out.filter((s) => s.piece.fold.trim().length > 0);
}

interface TriggerHit {
  start: number;
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
  for (const sentence of sentences(original, foldedMasked)) readSentence(sentence, language, lists);
  if (lists.length === 0 && expectFields) {
    const bare = parseFieldList({ orig: original, fold: foldedMasked }, language);
    if (bare.fields.length > 0) lists.push({ fields: bare.fields, start: 0 });
  }
  const namedEntity = findNamedEntity(foldedMasked, language);
  return { lists, ...(namedEntity ? { namedEntity } : {}) };
}

function readSentence(sentence: Sentence, language: Language, lists: FoundList[]): void {
  let fold = sentence.piece.fold;
  const orig = sentence.piece.orig;
  for (const m of fold.matchAll(PAREN_ENTITY)) {
    const nounWordsBefore = nounBefore(m.groups!.e!);
    if (nounWordsBefore.length === 0 || ENUM_NOUNS.test(m.groups!.e!) || isFieldName(nounWordsBefore.join(' '))) continue;
    const listStart = m.index + m[0].indexOf('(') + 1;
    const list = { orig: orig.slice(listStart, m.index + m[0].length - 1), fold: fold.slice(listStart, m.index + m[0].length - 1) };
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
      hits.push({ start: m.index, end: m.index + m[0].length, titleCut, minItems: trigger.minItems, rank, ...(entityWords && entityWords.length > 0 ? { entityWords } : {}) });
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
    if (hits.slice(i + 1).some((h) => h.entityWords && h.start >= hit.end && /^\s*(?:[a-z]\w*\s+){0,3}$/.test(fold.slice(hit.end, h.start)))) continue;
    const next = hits.slice(i + 1).find((h) => h.start >= hit.end && h.rank < hit.rank);
    const end = Math.min(next ? next.start : fold.length, hit.end + ENGINE_LIMITS.listChars);
    const parsed = parseFieldList({ orig: orig.slice(hit.end, end), fold: fold.slice(hit.end, end) }, language);
    if (parsed.fields.length < hit.minItems || (hit.minItems > 1 && parsed.known < 1)) continue;
    const words = hit.entityWords ?? entityWordsBefore(fold.slice(0, hit.start), language);
    const entity = entityName(words, language);
    lists.push({ ...(entity ? { entity } : {}), fields: parsed.fields, start: sentence.start + hit.titleCut });
    consumedUntil = end;
  }
}

/** The noun a list belongs to, from the words before its trigger ("a form for event registrations with …"). */
function entityWordsBefore(foldedBefore: string, language: Language): string[] {
  const direct = nounBefore(foldedBefore, language === 'pl' ? 3 : 2);
  if (direct.length > 0) return language === 'pl' ? direct.slice(0, 2) : direct;
  // "a feedback form that asks for …": the word before the app word.
  const kindWord = /\b(?:form|survey|questionnaire|api|service|tracker|log|register|list|table|database|catalog)\b(?!.*\b(?:form|survey|questionnaire|api|service|tracker|log|register|list|table|database|catalog)\b)/.exec(foldedBefore);
  return kindWord ? nounBefore(foldedBefore.slice(0, kindWord.index), 2) : [];
}

/** "an API for managing books", "rejestr pracowników": an entity even before its fields are known. */
function findNamedEntity(foldedMasked: string, language: Language): string | undefined {
  ENTITY_CUES.lastIndex = 0;
  for (const m of foldedMasked.matchAll(ENTITY_CUES)) {
    const rest = foldedMasked.slice(m.index + m[0].length, m.index + m[0].length + 80);
    const words = nounAfter(rest.split(/[,.;:!?()\n]/)[0] ?? '', 2);
    const name = entityName(language === 'pl' ? words.slice(0, 2) : words, language);
    if (name) return name;
  }
  return undefined;
}

/** "dział (IT, HR)" is a field with values, not an entity called "dział". */
function isFieldName(foldedWords: string): boolean {
  return FIELD_NAMES.some(([p]) => p.test(foldedWords)) || COMMON_FIELDS.test(foldedWords);
}
