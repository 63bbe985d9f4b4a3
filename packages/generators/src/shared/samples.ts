import type { Field } from '@marketplace/spec';

export type SampleValue = string | number | boolean;

/** A valid value for a field; `variant` 0 and 1 give two different values where the type allows. */
export function sampleValue(field: Field, variant: 0 | 1 = 0): SampleValue {
  switch (field.type) {
    case 'string':
      return variant ? 'second value' : 'first value';
    case 'text':
      return variant ? 'Another note' : 'A longer note\nover two lines';
    case 'number':
      return variant ? 7.25 : 12.5;
    case 'integer':
      return variant ? 8 : 3;
    case 'boolean':
      return variant === 0;
    case 'date':
      return variant ? '2024-06-15' : '2024-05-01';
    case 'datetime':
      return variant ? '2024-06-15T16:30' : '2024-05-01T10:00';
    case 'email':
      return variant ? 'grace@example.com' : 'ada@example.com';
    case 'url':
      return variant ? 'https://example.com/b' : 'https://example.com/a';
    case 'enum': {
      const values = field.values ?? [];
      return values[variant % values.length] ?? '';
    }
  }
}

/** A value of the wrong shape for the field, which the app must refuse. */
export function invalidValue(field: Field): SampleValue {
  switch (field.type) {
    case 'string':
    case 'text':
      return 42;
    case 'number':
      return 'many';
    case 'integer':
      return 2.5;
    case 'boolean':
      return 'yes';
    case 'date':
      return '2024-13-45';
    case 'datetime':
      return 'yesterday';
    case 'email':
      return 'not-an-email';
    case 'url':
      return 'not a url';
    case 'enum':
      return `${(field.values ?? []).join('|')}!`;
  }
}

/** A record with a valid value for every field, keyed safely (field names may be "constructor"). */
export function sampleRecord(fields: readonly Field[], variant: 0 | 1 = 0): Record<string, SampleValue> {
  return Object.fromEntries(fields.map((field) => [field.name, sampleValue(field, variant)]));
}

/** The same record as an HTML form would send it: strings, checkboxes present only when ticked. */
export function sampleForm(fields: readonly Field[], variant: 0 | 1 = 0): Record<string, string> {
  const entries: [string, string][] = [];
  for (const field of fields) {
    const value = sampleValue(field, variant);
    if (field.type === 'boolean') {
      if (value === true) entries.push([field.name, 'on']);
    } else {
      entries.push([field.name, String(value)]);
    }
  }
  return Object.fromEntries(entries);
}

/** One CSV cell, quoted when needed (fixtures only; the apps use their own csv module). */
export function csvCell(value: SampleValue): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsvText(columns: readonly string[], rows: readonly Record<string, SampleValue>[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvCell(Object.hasOwn(row, column) ? (row[column] as SampleValue) : '')).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function escapeHtml(value: unknown): string {
  const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return String(value ?? '').replace(/[&<>"']/g, (character) => escapes[character] ?? character);
}
