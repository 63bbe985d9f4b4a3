/**
 * Edits of the AppSpec draft beside the chat. The server has no route that patches a draft, so an
 * edit goes back as the follow-up message the requirements engine understands ("amount should be
 * text", "change the schedule to every Friday at 9am"), and the next turn carries the new draft.
 */
export const FIELD_TYPES = ['string', 'text', 'number', 'integer', 'boolean', 'date', 'datetime', 'email', 'url', 'enum'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface DraftField {
  entity: string;
  /** The entity's human label (AppSpec `label`), else its name. */
  entityLabel: string;
  name: string;
  label: string;
  type: string;
}

interface SpecLike {
  entities?: { name?: unknown; label?: unknown; fields?: { name?: unknown; label?: unknown; type?: unknown }[] }[];
  schedule?: { cron?: unknown; timezone?: unknown };
}

/** The fields of the draft's entities, as the editor lists them. */
export function draftFields(spec: Record<string, unknown> | null | undefined): DraftField[] {
  const entities = (spec as SpecLike | null | undefined)?.entities ?? [];
  return entities.flatMap((entity) =>
    (entity.fields ?? [])
      .filter((field) => typeof field.name === 'string')
      .map((field) => ({ entity: String(entity.name ?? ''), entityLabel: typeof entity.label === 'string' && entity.label ? entity.label : String(entity.name ?? ''), name: String(field.name), label: typeof field.label === 'string' && field.label ? field.label : String(field.name), type: String(field.type ?? 'string') })),
  );
}

export function draftSchedule(spec: Record<string, unknown> | null | undefined): { cron: string; timezone?: string } | null {
  const schedule = (spec as SpecLike | null | undefined)?.schedule;
  if (!schedule || typeof schedule.cron !== 'string') return null;
  return { cron: schedule.cron, ...(typeof schedule.timezone === 'string' ? { timezone: schedule.timezone } : {}) };
}

// The engine's words for each type (packages/spec field-type rules); Polish falls back to English where it has none.
const TYPE_WORDS: Record<'en' | 'pl', Partial<Record<FieldType, string>>> = {
  en: { string: 'string', text: 'text', number: 'number', integer: 'integer', boolean: 'boolean', date: 'date', datetime: 'date and time', email: 'email', url: 'url' },
  pl: { text: 'tekstem', number: 'liczbą', integer: 'liczbą całkowitą', date: 'datą', datetime: 'datą i godziną', email: 'e-mail', url: 'link', boolean: 'tak/nie' },
};

/** The message that changes one field's type ("amount should be text" / "kwota ma być tekstem"). */
export function fieldTypeMessage(language: string, field: DraftField, type: FieldType): string | null {
  const name = field.label.toLowerCase();
  const pl = language === 'pl' ? TYPE_WORDS.pl[type] : undefined;
  if (pl) return `${name} ma być ${pl}`;
  const en = TYPE_WORDS.en[type];
  return en ? `${name} should be ${en}` : null;
}

/** The message that changes the schedule, written in words ("every Friday at 9am"). */
export function scheduleMessage(language: string, words: string): string | null {
  const text = words.trim();
  if (!text) return null;
  return language === 'pl' ? `zmień harmonogram na ${text}` : `change the schedule to ${text}`;
}

const clean = (text: string) => text.replace(/["„”“]/g, '').replace(/\s+/g, ' ').trim();

/** Renames the app ("Rename the app to "Device list"" / "Zmień nazwę aplikacji na "Lista urządzeń""). */
export function renameAppMessage(language: string, title: string): string | null {
  const name = clean(title);
  if (!name) return null;
  return language === 'pl' ? `Zmień nazwę aplikacji na "${name}"` : `Rename the app to "${name}"`;
}

/** Renames the records ("Rename the records to device" / "Zmień nazwę rekordów na urządzenie"). */
export function renameEntityMessage(language: string, name: string): string | null {
  const to = clean(name).toLowerCase();
  if (!to) return null;
  return language === 'pl' ? `Zmień nazwę rekordów na ${to}` : `Rename the records to ${to}`;
}

/** Adds a field ("Add the field cost centre" / "Dodaj pole centrum kosztów"). */
export function addFieldMessage(language: string, label: string): string | null {
  const name = clean(label).toLowerCase();
  if (!name) return null;
  return language === 'pl' ? `Dodaj pole ${name}` : `Add the field ${name}`;
}

/** Removes a field ("Remove the field "start date"" / "Usuń pole "data rozpoczęcia""). */
export function removeFieldMessage(language: string, field: DraftField): string {
  const name = clean(field.label).toLowerCase();
  return language === 'pl' ? `Usuń pole "${name}"` : `Remove the field "${name}"`;
}

/** Renames a field ("Rename the field "start date" to "hired on"" / "Zmień nazwę pola "…" na "…""). */
export function renameFieldMessage(language: string, field: DraftField, label: string): string | null {
  const to = clean(label).toLowerCase();
  const from = clean(field.label).toLowerCase();
  if (!to || to === from) return null;
  return language === 'pl' ? `Zmień nazwę pola "${from}" na "${to}"` : `Rename the field "${from}" to "${to}"`;
}

/** Moves a field next to another of its records ("Move the field "phone" before "name"" / "Przenieś pole "telefon" przed "imię""). */
export function moveFieldMessage(language: string, field: DraftField, place: 'before' | 'after', other: DraftField): string {
  const name = clean(field.label).toLowerCase();
  const next = clean(other.label).toLowerCase();
  if (language === 'pl') return `Przenieś pole "${name}" ${place === 'before' ? 'przed' : 'za'} "${next}"`;
  return `Move the field "${name}" ${place} "${next}"`;
}
