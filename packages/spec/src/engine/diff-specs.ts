import type { AppKind, AppSpec, Entity, Field, Output, Source } from '../app-spec.js';

/** One thing a turn changed in the draft, for the reply ("renamed employee to laptop") and the UI. */
export type SpecChange =
  | { type: 'kind'; from: AppKind; to: AppKind }
  | { type: 'title'; from: string; to: string }
  | { type: 'entity-added'; entity: string }
  | { type: 'entity-removed'; entity: string }
  | { type: 'entity-renamed'; from: string; to: string }
  | { type: 'field-added'; entity: string; field: string }
  | { type: 'field-removed'; entity: string; field: string }
  | { type: 'field-renamed'; entity: string; from: string; to: string }
  | { type: 'field-changed'; entity: string; field: string; before: Field; after: Field }
  /** The fields kept are in a new order (`order`: every field of the entity, as it now is). */
  | { type: 'fields-reordered'; entity: string; order: string[] }
  | { type: 'schedule'; from?: AppSpec['schedule']; to?: AppSpec['schedule'] }
  | { type: 'source-added'; source: Source }
  | { type: 'source-removed'; source: Source }
  | { type: 'output-added'; output: Output }
  | { type: 'output-removed'; output: Output }
  | { type: 'auth'; from?: AppSpec['auth']; to?: AppSpec['auth'] }
  | { type: 'language'; from?: AppSpec['language']; to?: AppSpec['language'] };

const json = (value: unknown): string => JSON.stringify(value ?? null);
const lower = (name: string): string => name.toLowerCase();

function fieldKeys(entity: Entity): string {
  return entity.fields.map((f) => lower(f.name)).sort().join(',');
}

/** Entities removed and added in the same turn with the same fields were renamed. */
function diffEntities(before: readonly Entity[], after: readonly Entity[], out: SpecChange[]): void {
  const removed = before.filter((b) => !after.some((a) => lower(a.name) === lower(b.name)));
  const added = after.filter((a) => !before.some((b) => lower(b.name) === lower(a.name)));
  const pairs: [Entity, Entity][] = [];
  for (const old of removed) {
    const match = added.find((a) => !pairs.some(([, n]) => n === a) && (fieldKeys(a) === fieldKeys(old) || (removed.length === 1 && added.length === 1)));
    if (match) pairs.push([old, match]);
  }
  for (const [old, renamed] of pairs) {
    out.push({ type: 'entity-renamed', from: old.name, to: renamed.name });
    diffFields(renamed.name, old.fields, renamed.fields, out);
  }
  for (const old of removed) if (!pairs.some(([o]) => o === old)) out.push({ type: 'entity-removed', entity: old.name });
  for (const entity of added) if (!pairs.some(([, n]) => n === entity)) out.push({ type: 'entity-added', entity: entity.name });
  for (const entity of after) {
    const old = before.find((b) => lower(b.name) === lower(entity.name));
    if (old) diffFields(entity.name, old.fields, entity.fields, out);
  }
}

/** A field removed and another added at the same place, same type, in one turn was renamed. */
function diffFields(entity: string, before: readonly Field[], after: readonly Field[], out: SpecChange[]): void {
  const removed = before.filter((b) => !after.some((a) => lower(a.name) === lower(b.name)));
  const added = after.filter((a) => !before.some((b) => lower(b.name) === lower(a.name)));
  const renamed = new Set<Field>();
  if (removed.length === 1 && added.length === 1 && before.indexOf(removed[0]!) === after.indexOf(added[0]!)) {
    out.push({ type: 'field-renamed', entity, from: removed[0]!.name, to: added[0]!.name });
    renamed.add(removed[0]!).add(added[0]!);
  }
  for (const field of removed) if (!renamed.has(field)) out.push({ type: 'field-removed', entity, field: field.name });
  for (const field of added) if (!renamed.has(field)) out.push({ type: 'field-added', entity, field: field.name });
  for (const field of after) {
    const old = before.find((b) => lower(b.name) === lower(field.name));
    if (old && !sameField(old, field)) out.push({ type: 'field-changed', entity, field: field.name, before: old, after: field });
  }
  const keptBefore = before.filter((b) => !removed.includes(b)).map((f) => lower(f.name));
  const keptAfter = after.filter((a) => !added.includes(a)).map((f) => lower(f.name));
  if (keptBefore.join(',') !== keptAfter.join(',') && !renamed.size) out.push({ type: 'fields-reordered', entity, order: after.map((f) => f.name) });
}

/** Same name, type, values and qualifiers (a new label alone is no change). */
function sameField(a: Field, b: Field): boolean {
  return (
    a.name === b.name && a.type === b.type && a.required === b.required && a.unique === b.unique && a.min === b.min && a.max === b.max && a.default === b.default && json(a.values) === json(b.values)
  );
}

function diffList<T>(before: readonly T[], after: readonly T[], added: (item: T) => SpecChange, removed: (item: T) => SpecChange, out: SpecChange[]): void {
  const b = before.map(json);
  const a = after.map(json);
  before.forEach((item, i) => {
    if (!a.includes(b[i]!)) out.push(removed(item));
  });
  after.forEach((item, i) => {
    if (!b.includes(a[i]!)) out.push(added(item));
  });
}

/** What changed between two drafts, in a stable order (kind, title, entities, schedule, sources, outputs, auth, language). */
export function diffSpecs(before: AppSpec | undefined, after: AppSpec): SpecChange[] {
  if (!before) return [];
  const out: SpecChange[] = [];
  if (before.kind !== after.kind) out.push({ type: 'kind', from: before.kind, to: after.kind });
  if (before.title !== after.title) out.push({ type: 'title', from: before.title, to: after.title });
  diffEntities(before.entities ?? [], after.entities ?? [], out);
  if (json(before.schedule) !== json(after.schedule)) out.push({ type: 'schedule', ...(before.schedule ? { from: before.schedule } : {}), ...(after.schedule ? { to: after.schedule } : {}) });
  diffList(before.sources ?? [], after.sources ?? [], (source) => ({ type: 'source-added', source }), (source) => ({ type: 'source-removed', source }), out);
  diffList(before.outputs ?? [], after.outputs ?? [], (output) => ({ type: 'output-added', output }), (output) => ({ type: 'output-removed', output }), out);
  if (before.auth !== after.auth) out.push({ type: 'auth', ...(before.auth ? { from: before.auth } : {}), ...(after.auth ? { to: after.auth } : {}) });
  if (before.language !== after.language) out.push({ type: 'language', ...(before.language ? { from: before.language } : {}), ...(after.language ? { to: after.language } : {}) });
  return out;
}
