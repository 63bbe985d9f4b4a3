import type { AppSpec, Entity } from '../src/index.js';
import type { SpecResult } from '../src/index.js';

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

const show = (value: unknown): string => JSON.stringify(value);

function sortedJson(list: readonly object[] | undefined): string {
  return show((list ?? []).map((item) => show(item)).sort());
}

function fieldSpec(field: Entity['fields'][number]): string | string[] {
  if (field.type === 'enum') return ['enum', ...(field.values ?? [])];
  const mark = field.required === true ? '!' : field.required === false ? '?' : '';
  return `${field.type}${mark}`;
}

function compareEntities(actual: readonly Entity[], expected: Record<string, Record<string, string | string[]>>, out: string[]): void {
  const names = Object.keys(expected);
  if (names.length === 1 && names[0] === '*') {
    if (actual.length !== 1) {
      out.push(`entities: expected exactly one entity, got ${show(actual.map((e) => e.name))}`);
      return;
    }
    expected = { [actual[0]!.name]: expected['*']! };
  }
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

/** Every way a result differs from what the corpus expects, as readable lines. */
export function mismatches(result: SpecResult, expect: Expectation, previous?: AppSpec): string[] {
  const out: string[] = [];
  const spec = result.spec;
  const scalar = (key: string, expected: unknown, actual: unknown): void => {
    if (expected === undefined) return;
    if (show(expected ?? undefined) !== show(actual)) out.push(`${key}: expected ${show(expected)}, got ${show(actual)}`);
  };
  scalar('language', expect.language, result.language);
  scalar('kind', expect.kind, spec.kind);
  scalar('name', expect.name, spec.name);
  scalar('title', expect.title, spec.title);
  scalar('auth', expect.auth, spec.auth);
  scalar('schedule', expect.schedule, spec.schedule);
  if (expect.entities === null && spec.entities) out.push(`entities: expected none, got ${show(spec.entities.map((e) => e.name))}`);
  if (expect.entities) compareEntities(spec.entities ?? [], expect.entities, out);
  for (const key of ['sources', 'outputs'] as const) {
    const wanted = expect[key];
    if (wanted === undefined) continue;
    if (sortedJson(wanted ?? []) !== sortedJson(spec[key])) out.push(`${key}: expected ${show(wanted ?? [])}, got ${show(spec[key] ?? [])}`);
  }
  if (expect.missing) {
    if (show([...expect.missing].sort()) !== show([...result.missing].sort())) out.push(`missing: expected ${show(expect.missing)}, got ${show(result.missing)}`);
  }
  for (const text of expect.questionsContain ?? []) {
    if (!result.questions.some((q) => q.question.includes(text))) out.push(`questions: none mentions ${show(text)} (got ${show(result.questions.map((q) => q.question))})`);
  }
  if (show(result.questions.map((q) => q.slot)) !== show(result.missing)) out.push(`questions: slots ${show(result.questions.map((q) => q.slot))} differ from missing ${show(result.missing)}`);
  for (const key of expect.same ?? []) {
    if (show(previous?.[key]) !== show(spec[key])) out.push(`${String(key)}: should be unchanged from ${show(previous?.[key])}, got ${show(spec[key])}`);
  }
  return out;
}
