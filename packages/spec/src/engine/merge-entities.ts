import { SPEC_LIMITS, type Entity, type Field } from '../app-spec.js';
import type { FoundList } from './extract-entities.js';
import { fold } from './prepare-text.js';
import type { FieldChange } from './rules/cue-rules.js';
import { FIELD_NAMES } from './rules/glossary.js';
import { asciiWords, toIdentifier } from './tokenize.js';

export interface EntityMergeInput {
  lists: FoundList[];
  /** The entity a list without a name belongs to. */
  mainEntity: string;
  /** Replace the fields of an entity a list names, instead of adding to them. */
  replace: boolean;
  removeFields: string[];
  fieldChanges: FieldChange[];
}

/** Merge field lists into entities: new fields are appended, a field named again takes its new type. */
export function mergeEntities(previous: readonly Entity[], input: EntityMergeInput): Entity[] {
  const entities: Entity[] = previous.map((e) => ({ ...e, fields: e.fields.map((f) => ({ ...f })) }));
  const replaced = new Set<string>();
  for (const list of input.lists) {
    const name = list.entity ?? input.mainEntity;
    let entity = entities.find((e) => e.name.toLowerCase() === name.toLowerCase());
    if (!entity) {
      if (entities.length >= SPEC_LIMITS.entities) continue;
      entity = { name, fields: [] };
      entities.push(entity);
    } else if (input.replace && !replaced.has(entity.name)) {
      entity.fields = [];
    }
    replaced.add(entity.name);
    for (const field of list.fields) upsertField(entity, field);
  }
  for (const entity of entities) {
    entity.fields = entity.fields.filter((f) => !input.removeFields.some((r) => fieldMatches(f, r)));
    for (const change of input.fieldChanges) {
      const field = entity.fields.find((f) => fieldMatches(f, change.field));
      if (!field) continue;
      if (change.required !== undefined) field.required = change.required;
      if (change.type) {
        field.type = change.type;
        if (change.type !== 'enum') delete field.values;
      }
    }
  }
  return entities.filter((e) => e.fields.length > 0);
}

function upsertField(entity: Entity, field: Field): void {
  const index = entity.fields.findIndex((f) => f.name.toLowerCase() === field.name.toLowerCase());
  if (index >= 0) entity.fields[index] = { ...entity.fields[index], ...field };
  else if (entity.fields.length < SPEC_LIMITS.fieldsPerEntity) entity.fields.push(field);
}

/** Whether a phrase from a message ("phone", "start time", "telefon") names this field. */
export function fieldMatches(field: Field, phrase: string): boolean {
  const folded = fold(phrase).trim();
  const glossary = FIELD_NAMES.find(([p]) => p.test(folded))?.[1];
  const id = toIdentifier(folded);
  const name = field.name.toLowerCase();
  if (glossary?.toLowerCase() === name || id?.toLowerCase() === name) return true;
  const label = field.label ? asciiWords(field.label).join(' ') : undefined;
  return label !== undefined && label === asciiWords(folded).join(' ');
}
