import type { AppLanguage } from '@marketplace/spec';
import { en } from './en.js';
import { pl } from './pl.js';

/** A message that depends on a count, chosen with Intl.PluralRules (Polish needs few and many). */
export interface Plural {
  one: string;
  few?: string;
  many?: string;
  other: string;
}

type Widen<T> = T extends string ? string : T extends readonly string[] ? string[] : T extends { other: string } ? Plural : { [K in keyof T]: Widen<T[K]> };

/** The shape of a language's catalog: the keys of the English one. */
export type Catalog = Widen<typeof en>;
export type AppMessages = Catalog['app'];
export type BuildMessages = Catalog['build'];

/** The one place each language's strings live. */
const CATALOGS: Record<AppLanguage, Catalog> = { en, pl };

/** The Intl locale the app formats dates and numbers with. */
export const LOCALES: Record<AppLanguage, string> = { en: 'en-GB', pl: 'pl-PL' };

export function catalogFor(language: AppLanguage): Catalog {
  return CATALOGS[language];
}

/** Fills `{name}` placeholders; a value is inserted as is, never read for placeholders again. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

export function plural(message: Plural, count: number, language: AppLanguage, params: Record<string, string | number> = {}): string {
  const form = new Intl.PluralRules(LOCALES[language]).select(count) as keyof Plural;
  return format(message[form] ?? message.other, { count, ...params });
}

/**
 * A readable label from an identifier: "emailZglaszajacego" → "Email zglaszajacego",
 * "purchased_on" → "Purchased on". Used when the spec gives no label.
 */
export function humanize(identifier: string): string {
  const words = identifier
    .replace(/_+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-zA-Z])(\d)/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The language an app is generated in: the spec's, English by default. */
export function languageOf(spec: { language?: AppLanguage | undefined }): AppLanguage {
  return spec.language ?? 'en';
}
