import { language, locale, messages } from '../messages.mjs';

export { language, locale };

const plurals = new Intl.PluralRules(locale);
const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
const dateTimes = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });

function lookup(key) {
  let entry = messages;
  for (const part of key.split('.')) {
    if (!entry || typeof entry !== 'object' || !Object.hasOwn(entry, part)) return undefined;
    entry = entry[part];
  }
  return entry;
}

/**
 * The text of `key` (e.g. "form.send") in the app's language, with `{name}` placeholders
 * filled from `params`; a message with plural forms is chosen by `params.count`.
 */
export function t(key, params = {}) {
  let entry = lookup(key);
  if (entry && typeof entry === 'object') entry = entry[plurals.select(Number(params.count))] ?? entry.other;
  if (typeof entry !== 'string') return key;
  return entry.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

export function formatNumber(value) {
  const number = Number(value);
  return Number.isFinite(number) ? numbers.format(number) : String(value ?? '');
}

/** A point in time (ISO text or Date) for people; anything unreadable is shown as it is. */
export function formatDateTime(value) {
  if (value === null || value === undefined || value === '') return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTimes.format(date);
}

/** A calendar date (YYYY-MM-DD) for people, without shifting it by the time zone. */
export function formatDate(value) {
  const date = new Date(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(String(value)) && !Number.isNaN(date.getTime()) ? dates.format(date) : String(value ?? '');
}

/** A stored value of `field` as people read it: yes/no, numbers and dates in the app's locale. */
export function formatValue(field, value) {
  if (value === undefined || value === null || value === '') return '';
  switch (field?.type) {
    case 'boolean':
      return value === true ? t('common.yes') : value === false ? t('common.no') : String(value);
    case 'number':
    case 'integer':
      return formatNumber(value);
    case 'date':
      return formatDate(value);
    case 'datetime':
      return formatDateTime(value);
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}
