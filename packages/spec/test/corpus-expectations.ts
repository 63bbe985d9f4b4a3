import type { AppSpec, Entity, SpecChange, SpecResult } from '../src/index.js';

/**
 * The expected parts of a spec in a corpus file. Only the keys given are checked; `null` means
 * "must be absent". Fields are written compactly: "date", "string!" (required), "email?"
 * (optional), or ["enum", "open", "closed"]. An entity named "*" matches the only entity, whatever
 * its name.
 */
export interface Expectation {
  language?: 'en' | 'pl';
  kind?: AppSpec['kind'];
  name?: string;
  title?: string;
  entities?: Record<string, Record<string, string | string[]>> | null;
  schedule?: { cron: string; timezone?: string } | null;
  sources?: NonNullable<AppSpec['sources']> | null;
  outputs?: NonNullable<AppSpec['outputs']> | null;
  auth?: AppSpec['auth'] | null;
  missing?: string[];
  /** Text each question list must contain somewhere (e.g. a rejected path). */
  questionsContain?: string[];
  /** Top-level spec keys that must equal the previous turn's (conversations only). */
  same?: (keyof AppSpec)[];
  /** What the message was: "spec", "marketplace-question" or "not-understood". */
  intent?: SpecResult['intent'];
  /** The turn's changes, compactly (see `compactChange`), in any order. */
  changes?: string[];
  /** Tags the spec must have (others may be there too). */
  tagsInclude?: string[];
}

export interface CorpusRequest {
  id: string;
  text: string;
  expect: Expectation;
}

export interface CorpusConversation {
  id: string;
  turns: { text: string; expect: Expectation }[];
}

/** One checked key of an expectation: `problems` is empty when the engine got it right. */
export interface Check {
  key: string;
  problems: string[];
}

const show = (value: unknown): string => JSON.stringify(value);

function sortedJson(list: readonly object[] | undefined): string {
  return show((list ?? []).map((item) => show(item)).sort());
}

export function fieldSpec(field: Entity['fields'][number]): string | string[] {
  if (field.type === 'enum') return ['enum', ...(field.values ?? [])];
  const mark = field.required === true ? '!' : field.required === false ? '?' : '';
  return `${field.type}${mark}`;
}

/** A change as a short string: "kind:form-app>web-dashboard", "entity:employee>laptop", "field+:laptop.notes", "title", "source+:csv". */
export function compactChange(change: SpecChange): string {
  switch (change.type) {
    case 'kind':
      return `kind:${change.from}>${change.to}`;
    case 'entity-renamed':
      return `entity:${change.from}>${change.to}`;
    case 'entity-added':
      return `entity+:${change.entity}`;
    case 'entity-removed':
      return `entity-:${change.entity}`;
    case 'field-added':
      return `field+:${change.entity}.${change.field}`;
    case 'field-removed':
      return `field-:${change.entity}.${change.field}`;
    case 'field-renamed':
      return `field:${change.entity}.${change.from}>${change.to}`;
    case 'field-changed':
      return `field~:${change.entity}.${change.field}`;
    case 'source-added':
      return `source+:${change.source.type}`;
    case 'source-removed':
      return `source-:${change.source.type}`;
    case 'output-added':
      return `output+:${change.output.type}`;
    case 'output-removed':
      return `output-:${change.output.type}`;
    default:
      return change.type;
  }
}

/** The fields the expectation names, resolved against the actual entities ("*" = the only one). */
function resolveEntities(actual: readonly Entity[], expected: Record<string, Record<string, string | string[]>>): Record<string, Record<string, string | string[]>> {
  const names = Object.keys(expected);
  if (names.length === 1 && names[0] === '*' && actual.length === 1) return { [actual[0]!.name]: expected['*']! };
  return expected;
}

function compareEntities(actual: readonly Entity[], expected: Record<string, Record<string, string | string[]>>, out: string[]): void {
  if (Object.keys(expected).length === 1 && expected['*'] && actual.length !== 1) {
    out.push(`entities: expected exactly one entity, got ${show(actual.map((e) => e.name))}`);
    return;
  }
  expected = resolveEntities(actual, expected);
  const actualNames = actual.map((e) => e.name).sort();
  const expectedNames = Object.keys(expected).sort();
  if (show(actualNames) !== show(expectedNames)) out.push(`entities: expected ${show(expectedNames)}, got ${show(actualNames)}`);
  for (const entity of actual) {
    const wanted = expected[entity.name];
    if (!wanted) continue;
    const got = Object.fromEntries(entity.fields.map((f) => [f.name, fieldSpec(f)]));
    for (const [field, spec] of Object.entries(wanted)) {
      if (!(field in got)) out.push(`entities.${entity.name}.${field}: missing (fields are ${show(Object.keys(got))})`);
      else if (show(got[field]) !== show(spec)) out.push(`entities.${entity.name}.${field}: expected ${show(spec)}, got ${show(got[field])}`);
    }
    for (const field of Object.keys(got)) if (!(field in wanted)) out.push(`entities.${entity.name}.${field}: not expected (${show(got[field])})`);
  }
}

/** "entity.field:type" items of a spec, for per-field precision and recall. */
export function fieldItems(entities: readonly Entity[] | undefined | null, expected?: Record<string, Record<string, string | string[]>>): string[] {
  if (expected !== undefined) {
    return Object.entries(resolveEntities(entities ?? [], expected)).flatMap(([entity, fields]) => Object.entries(fields).map(([field, spec]) => `${entity}.${field}:${show(spec)}`));
  }
  return (entities ?? []).flatMap((e) => e.fields.map((f) => `${e.name}.${f.name}:${show(fieldSpec(f))}`));
}

/** Each key of an expectation checked on its own. */
export function checkExpectation(result: SpecResult, expect: Expectation, previous?: AppSpec): Check[] {
  const checks: Check[] = [];
  const spec = result.spec;
  const check = (key: string, run: (out: string[]) => void): void => {
    const problems: string[] = [];
    run(problems);
    checks.push({ key, problems });
  };
  const scalar = (key: string, expected: unknown, actual: unknown): void => {
    if (expected === undefined) return;
    check(key, (out) => {
      if (show(expected ?? undefined) !== show(actual)) out.push(`${key}: expected ${show(expected)}, got ${show(actual)}`);
    });
  };
  scalar('language', expect.language, result.language);
  scalar('intent', expect.intent, result.intent);
  scalar('kind', expect.kind, spec.kind);
  scalar('name', expect.name, spec.name);
  scalar('title', expect.title, spec.title);
  scalar('auth', expect.auth, spec.auth);
  scalar('schedule', expect.schedule, spec.schedule);
  const entities = expect.entities;
  if (entities !== undefined) {
    check('entities', (out) => {
      if (entities === null) {
        if (spec.entities) out.push(`entities: expected none, got ${show(spec.entities.map((e) => e.name))}`);
      } else compareEntities(spec.entities ?? [], entities, out);
    });
  }
  for (const key of ['sources', 'outputs'] as const) {
    const wanted = expect[key];
    if (wanted === undefined) continue;
    check(key, (out) => {
      if (sortedJson(wanted ?? []) !== sortedJson(spec[key])) out.push(`${key}: expected ${show(wanted ?? [])}, got ${show(spec[key] ?? [])}`);
    });
  }
  if (expect.missing) {
    const wanted = expect.missing;
    check('missing', (out) => {
      if (show([...wanted].sort()) !== show([...result.missing].sort())) out.push(`missing: expected ${show(wanted)}, got ${show(result.missing)}`);
    });
  }
  if (expect.changes) {
    const wanted = expect.changes;
    check('changes', (out) => {
      const got = result.changes.map(compactChange);
      if (show([...wanted].sort()) !== show([...got].sort())) out.push(`changes: expected ${show(wanted)}, got ${show(got)}`);
    });
  }
  if (expect.tagsInclude) {
    const wanted = expect.tagsInclude;
    check('tags', (out) => {
      const absent = wanted.filter((t) => !(spec.tags ?? []).includes(t));
      if (absent.length) out.push(`tags: missing ${show(absent)} (got ${show(spec.tags ?? [])})`);
    });
  }
  for (const text of expect.questionsContain ?? []) {
    check('questions', (out) => {
      if (!result.questions.some((q) => q.question.includes(text))) out.push(`questions: none mentions ${show(text)} (got ${show(result.questions.map((q) => q.question))})`);
    });
  }
  for (const key of expect.same ?? []) {
    check(`same.${String(key)}`, (out) => {
      if (show(previous?.[key]) !== show(spec[key])) out.push(`${String(key)}: should be unchanged from ${show(previous?.[key])}, got ${show(spec[key])}`);
    });
  }
  return checks;
}

/** Every way a result differs from what the corpus expects, as readable lines. */
export function mismatches(result: SpecResult, expect: Expectation, previous?: AppSpec): string[] {
  const out = checkExpectation(result, expect, previous).flatMap((c) => c.problems);
  if (show(result.questions.map((q) => q.slot)) !== show(result.missing)) out.push(`questions: slots ${show(result.questions.map((q) => q.slot))} differ from missing ${show(result.missing)}`);
  return out;
}
