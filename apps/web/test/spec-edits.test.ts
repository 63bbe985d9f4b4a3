import { continueSpec, extractSpec, type AppSpec } from '@marketplace/spec';
import { describe, expect, it } from 'vitest';
import { FIELD_TYPES, addFieldMessage, draftFields, draftSchedule, fieldTypeMessage, moveFieldMessage, removeFieldMessage, renameAppMessage, renameEntityMessage, renameFieldMessage, scheduleMessage } from '../src/chat/spec-edits';

const DRAFTS = {
  en: 'An automation that emails me a report of open invoices with fields amount, customer and due date every Monday at 8am',
  pl: 'Automatyzacja, która co poniedziałek o 8 wysyła mi raport faktur z polami kwota, klient i termin',
} as const;

/** The draft editor's messages, answered by the real built-in requirements engine. */
describe('spec draft edits sent as follow-up messages', () => {
  for (const language of ['en', 'pl'] as const) {
    const draft = extractSpec(DRAFTS[language]).spec as AppSpec;
    const fields = draftFields(draft as unknown as Record<string, unknown>);

    it(`lists the draft's fields and schedule [${language}]`, () => {
      expect(fields.map((f) => f.name)).toEqual(expect.arrayContaining(['amount', 'customer']));
      expect(draftSchedule(draft as unknown as Record<string, unknown>)).toEqual({ cron: '0 8 * * 1' });
    });

    for (const type of FIELD_TYPES.filter((t) => t !== 'enum')) {
      for (const field of fields.slice(0, 3)) {
        if (field.type === type) continue;
        it(`changes ${field.name} to ${type} [${language}]`, () => {
          const message = fieldTypeMessage(language, field, type)!;
          const next = continueSpec(draft, message).spec;
          expect(draftFields(next as unknown as Record<string, unknown>).find((f) => f.name === field.name)?.type, message).toBe(type);
        });
      }
    }

    it(`changes the schedule from words [${language}]`, () => {
      const message = scheduleMessage(language, language === 'pl' ? 'w każdy piątek o 9' : 'every Friday at 9am')!;
      expect(draftSchedule(continueSpec(draft, message).spec as unknown as Record<string, unknown>)?.cron).toBe('0 9 * * 5');
    });
  }

  it('sends nothing for an empty schedule or a type the engine has no word for', () => {
    expect(scheduleMessage('en', '  ')).toBeNull();
    expect(fieldTypeMessage('en', { entity: 'e', entityLabel: 'e', name: 'x', label: 'X', type: 'string' }, 'enum')).toBeNull();
  });
});

describe('draft fields', () => {
  it('name an entity by its label where the spec has one, else by its name', () => {
    const spec = { entities: [{ name: 'leaveRequest', label: 'Wniosek urlopowy', fields: [{ name: 'days', type: 'integer' }] }, { name: 'note', fields: [{ name: 'text' }] }] };
    expect(draftFields(spec).map((f) => [f.entityLabel, f.label])).toEqual([['Wniosek urlopowy', 'days'], ['note', 'text']]);
  });
});

const RECORDS = {
  en: 'A web dashboard to track employees with fields: name, email, start date',
  pl: 'Panel do śledzenia pracowników z polami: imię, e-mail, data rozpoczęcia',
} as const;

/** Renaming the app and the records, adding, removing and renaming fields: each message the engine understands. */
describe('draft panel edits of names and fields, answered by the built-in engine', () => {
  for (const language of ['en', 'pl'] as const) {
    const draft = extractSpec(RECORDS[language]).spec as AppSpec;
    const fields = draftFields(draft as unknown as Record<string, unknown>);
    const apply = (message: string | null) => {
      expect(message).toBeTruthy();
      const result = continueSpec(draft, message!);
      expect(result.intent, message!).toBe('spec');
      return result;
    };

    it(`renames the app [${language}]`, () => {
      expect(apply(renameAppMessage(language, 'Device list')).spec.title).toBe('Device list');
    });

    it(`renames the records [${language}]`, () => {
      const result = apply(renameEntityMessage(language, language === 'pl' ? 'Urządzenie' : 'Device'));
      expect(result.changes).toEqual([expect.objectContaining({ type: 'entity-renamed', from: 'employee' })]);
    });

    it(`adds a field [${language}]`, () => {
      const result = apply(addFieldMessage(language, language === 'pl' ? 'Centrum kosztów' : 'Cost centre'));
      expect(result.changes).toEqual([expect.objectContaining({ type: 'field-added' })]);
      expect(draftFields(result.spec as unknown as Record<string, unknown>).at(-1)!.label.toLowerCase()).toBe(language === 'pl' ? 'centrum kosztów' : 'cost centre');
    });

    for (const field of fields) {
      it(`removes and renames ${field.name} [${language}]`, () => {
        const removed = apply(removeFieldMessage(language, field));
        expect(removed.changes, removeFieldMessage(language, field)).toEqual([{ type: 'field-removed', entity: field.entity, field: field.name }]);
        const renamed = apply(renameFieldMessage(language, field, language === 'pl' ? 'Zatrudniony od' : 'Hired on'));
        expect(renamed.changes).toEqual([expect.objectContaining({ type: 'field-renamed', from: field.name })]);
      });
    }

    it(`moves a field up and down [${language}]`, () => {
      const [first, second, third] = fields;
      const up = apply(moveFieldMessage(language, third!, 'before', second!));
      expect(draftFields(up.spec as unknown as Record<string, unknown>).map((f) => f.name).slice(0, 3)).toEqual([first!.name, third!.name, second!.name]);
      expect(up.changes).toEqual([expect.objectContaining({ type: 'fields-reordered', entity: first!.entity })]);
      const down = apply(moveFieldMessage(language, first!, 'after', second!));
      expect(draftFields(down.spec as unknown as Record<string, unknown>).map((f) => f.name).slice(0, 3)).toEqual([second!.name, first!.name, third!.name]);
    });

    it(`sends nothing for an empty or unchanged name [${language}]`, () => {
      expect(renameAppMessage(language, '  ')).toBeNull();
      expect(addFieldMessage(language, '"”')).toBeNull();
      expect(renameFieldMessage(language, fields[0]!, fields[0]!.label)).toBeNull();
    });
  }
});
