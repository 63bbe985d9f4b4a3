import { URL } from 'node:url';
import { t } from './i18n.mjs';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
const MAX_LENGTH = { string: 1000, text: 100000, email: 254, url: 2048 };

function isValidDate(value) {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Returns a message saying what is wrong with `value` for `field`, or undefined when it is fine. */
export function checkValue(field, value) {
  switch (field.type) {
    case 'string':
    case 'text':
      if (typeof value !== 'string') return t('validation.text');
      if (value.length > MAX_LENGTH[field.type]) return t('validation.maxLength', { max: MAX_LENGTH[field.type] });
      return undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : t('validation.number');
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : t('validation.integer');
    case 'boolean':
      return typeof value === 'boolean' ? undefined : t('validation.boolean');
    case 'date':
      return typeof value === 'string' && isValidDate(value) ? undefined : t('validation.date');
    case 'datetime':
      return typeof value === 'string' && DATETIME.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : t('validation.datetime');
    case 'email':
      return typeof value === 'string' && value.length <= MAX_LENGTH.email && EMAIL.test(value) ? undefined : t('validation.email');
    case 'url': {
      if (typeof value !== 'string' || value.length > MAX_LENGTH.url) return t('validation.url');
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : t('validation.urlScheme');
      } catch {
        return t('validation.url');
      }
    }
    case 'enum':
      return field.values.includes(value) ? undefined : t('validation.enum', { values: field.values.join(', ') });
    default:
      return t('validation.unknownType', { type: field.type });
  }
}

/**
 * Validates an input object against the entity's fields. With `partial`, missing fields are
 * left alone (PATCH). Returns { value } with only the known fields, or { errors }.
 */
export function validateRecord(fields, input, { partial = false } = {}) {
  const errors = [];
  const known = new Set(fields.map((field) => field.name));
  for (const key of Object.keys(input)) {
    if (!known.has(key)) errors.push({ field: key, message: t('validation.notAField', { fields: [...known].join(', ') }) });
  }
  const entries = [];
  for (const field of fields) {
    const present = Object.hasOwn(input, field.name) && input[field.name] !== null && input[field.name] !== '';
    if (!present) {
      if (field.required && !partial) errors.push({ field: field.name, message: t('validation.required') });
      continue;
    }
    const problem = checkValue(field, input[field.name]);
    if (problem) errors.push({ field: field.name, message: problem });
    else entries.push([field.name, input[field.name]]);
  }
  return errors.length > 0 ? { errors } : { value: Object.fromEntries(entries) };
}

/**
 * Turns the strings of an HTML form into typed values (numbers, booleans) before validation.
 * Unparseable numbers stay strings, so validation reports them.
 */
export function fromFormInput(fields, form) {
  const entries = [];
  for (const field of fields) {
    const raw = Object.hasOwn(form, field.name) ? form[field.name] : undefined;
    if (field.type === 'boolean') {
      entries.push([field.name, raw === 'on' || raw === 'true']);
      continue;
    }
    if (raw === undefined || raw === '') continue;
    if (field.type === 'enum') {
      // Option values are sent exactly as listed, spaces included.
      entries.push([field.name, raw]);
    } else if (raw.trim() === '') {
      continue;
    } else if (field.type === 'number' || field.type === 'integer') {
      const number = Number(raw);
      entries.push([field.name, Number.isFinite(number) ? number : raw]);
    } else if (field.type === 'string' || field.type === 'text') {
      entries.push([field.name, raw]);
    } else {
      entries.push([field.name, raw.trim()]);
    }
  }
  return Object.fromEntries(entries);
}
