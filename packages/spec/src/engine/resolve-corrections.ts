import pluralize from 'pluralize';
import type { AppKind, AppSpec, Entity } from '../app-spec.js';
import type { Language } from './detect-language.js';
import { entityName, nounWords } from './entity-naming.js';
import { fieldMatches } from './merge-entities.js';
import { inferFieldType } from './parse-field-list.js';
import { fold } from './prepare-text.js';
import type { Swap } from './read-corrections.js';
import { APP_WORDS, KIND_WORDS, RECORD_WORDS } from './rules/correction-rules.js';
import { FIELD_NAMES, POLISH_LABELS } from './rules/glossary.js';
import { capitalise, toIdentifier } from './tokenize.js';

/** What the swaps of one message mean for the draft. */
export interface ResolvedCorrections {
  kind?: AppKind;
  title?: string;
  /** The draft's entities with renames applied (entities and fields). */
  entities?: Entity[];
  /** Swaps that name nothing in the draft: the reply says they were not understood. */
  unresolved: Swap[];
}

const FIELD_WHAT = /^(?:field|column|pola|pole|kolumny|kolumne)$/;
const ENTITY_WHAT = /^(?:entity|records?|table|rekordow|rekordy|encji|tabeli)$/;

export function kindNamed(phrase: string): AppKind | undefined {
  return KIND_WORDS.find(([pattern]) => pattern.test(phrase))?.[1];
}

function entityLabel(toOriginal: string, language: Language): string {
  const label = language === 'en' ? toOriginal.split(/\s+/).map((w, i, all) => (i === all.length - 1 ? pluralize.singular(w) : w)).join(' ') : toOriginal;
  return capitalise(label).slice(0, 120);
}

function findEntity(entities: readonly Entity[], from: string, language: Language): Entity | undefined {
  if (RECORD_WORDS.test(from) && entities.length === 1) return entities[0];
  const name = entityName(nounWords(from), language)?.toLowerCase();
  const singular = pluralize.singular(from).replace(/\s+/g, '');
  return entities.find((e) => e.name.toLowerCase() === name || e.name.toLowerCase() === singular || (e.label !== undefined && fold(e.label) === from));
}

function renameEntity(entities: Entity[], entity: Entity, swap: Swap, language: Language): boolean {
  const name = entityName(nounWords(swap.to), language);
  if (!name || entities.some((e) => e !== entity && e.name.toLowerCase() === name.toLowerCase())) return false;
  entity.name = name;
  entity.label = entityLabel(swap.toOriginal, language);
  return true;
}

function renameField(entities: Entity[], swap: Swap, language: Language): boolean {
  for (const entity of entities) {
    const field = entity.fields.find((f) => fieldMatches(f, swap.from));
    if (!field) continue;
    const glossary = FIELD_NAMES.find(([p]) => p.test(swap.to))?.[1];
    const name = glossary ?? toIdentifier(swap.to);
    if (!name || entity.fields.some((f) => f !== field && f.name.toLowerCase() === name.toLowerCase())) return false;
    // A type read from the old name follows the new name; a type the user chose stays.
    const inferred = field.type === inferFieldType(fold(field.label ?? field.name), language) && !field.values;
    field.name = name;
    field.label = (language === 'pl' && glossary ? POLISH_LABELS[glossary] : undefined) ?? capitalise(swap.toOriginal).slice(0, 120);
    if (inferred) {
      const type = inferFieldType(swap.to, language);
      if (type !== 'enum') field.type = type;
    }
    return true;
  }
  return false;
}

/** Decide what each swap renames: a field, the records, the kind or the title; else it is unresolved. */
export function resolveCorrections(swaps: readonly Swap[], previous: AppSpec | undefined, language: Language): ResolvedCorrections {
  const result: ResolvedCorrections = { unresolved: [] };
  if (swaps.length === 0) return result;
  const entities: Entity[] = (previous?.entities ?? []).map((e) => ({ ...e, fields: e.fields.map((f) => ({ ...f })) }));
  let renamed = false;
  for (const swap of swaps) {
    if (swap.what && FIELD_WHAT.test(swap.what)) {
      if (renameField(entities, swap, language)) renamed = true;
      else result.unresolved.push(swap);
      continue;
    }
    if (swap.what && ENTITY_WHAT.test(swap.what)) {
      const entity = findEntity(entities, swap.from, language) ?? (entities.length === 1 ? entities[0] : undefined);
      if (entity && renameEntity(entities, entity, swap, language)) renamed = true;
      else result.unresolved.push(swap);
      continue;
    }
    const kind = kindNamed(swap.to);
    if (kind && (kindNamed(swap.from) || !findEntity(entities, swap.from, language))) {
      result.kind = kind;
      continue;
    }
    const entity = findEntity(entities, swap.from, language);
    if (entity && renameEntity(entities, entity, swap, language)) {
      renamed = true;
      continue;
    }
    if (renameField(entities, swap, language)) {
      renamed = true;
      continue;
    }
    if (previous && (APP_WORDS.test(swap.from) || fold(previous.title) === swap.from)) {
      result.title = capitalise(swap.toOriginal).slice(0, 120);
      continue;
    }
    result.unresolved.push(swap);
  }
  if (renamed) result.entities = entities;
  return result;
}
