import { describe, expect, it } from 'vitest';
import { continueSpec } from './continue-spec.js';
import { describeChanges } from './describe-changes.js';
import { diffSpecs } from './diff-specs.js';
import { extractSpec } from './extract-spec.js';

const first = extractSpec('A small app to track employees with fields: name, email, start date');

describe('describeChanges', () => {
  it('says in English what a correction changed, with the names the user sees', () => {
    const turn = continueSpec(first.spec, 'The records are laptops, not employees. Add a notes field too.');
    const text = describeChanges(turn.changes, 'en', { before: first.spec, after: turn.spec });
    expect(text).toMatch(/^Renamed the records from “[^”]+” to “[^”]+”/);
    expect(text).toContain('added the field “');
    expect(text.endsWith('.')).toBe(true);
  });

  it('says it in Polish', () => {
    const pl = extractSpec('Prosta aplikacja do ewidencji pracowników z polami: imię, e-mail, data rozpoczęcia');
    const turn = continueSpec(pl.spec, 'Dodaj też pole notatki.');
    expect(describeChanges(turn.changes, 'pl', { before: pl.spec, after: turn.spec })).toMatch(/^Dodano pole „[^”]+”\.$/);
  });

  it('describes a change of kind, title and a removed field between two versions', () => {
    const after = { ...first.spec, title: 'Staff list', kind: (first.spec.kind === 'form-app' ? 'api-service' : 'form-app') as 'form-app', entities: first.spec.entities!.map((e) => ({ ...e, fields: e.fields.slice(0, 2) })) };
    const text = describeChanges(diffSpecs(first.spec, after), 'en', { before: first.spec, after });
    expect(text).toMatch(/^Changed the kind from “[^”]+” to “[^”]+”/);
    expect(text).toContain('to “Staff list”');
    expect(text).toContain('removed the field');
  });

  it('is empty when nothing changed, and refuses an unknown language', () => {
    expect(describeChanges([], 'en')).toBe('');
    expect(() => describeChanges([], 'de' as 'en')).toThrow(/language must be one of/);
  });
});
