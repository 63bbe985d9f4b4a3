import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Messages as CatalogShape } from './en';

export const LANGUAGES = ['en', 'pl'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'marketplace.language';

/** The saved choice, else the first of the browser's languages we speak, else English. */
export function detectLanguage(saved: string | null, browser: readonly string[]): Language {
  if (saved && (LANGUAGES as readonly string[]).includes(saved)) return saved as Language;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if ((LANGUAGES as readonly string[]).includes(base!)) return base as Language;
  }
  return 'en';
}

function savedLanguage(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** A language's catalog, English's shape (its plural forms aside); each is its own chunk, so a first load fetches only the one it shows. */
export type Messages = CatalogShape;
export type Catalogs = Partial<Record<Language, Messages>>;

const loadCatalog = (language: Language): Promise<Messages> => (language === 'pl' ? import('./pl').then((module) => module.pl) : import('./en').then((module) => module.en));

/** An i18next instance speaking `language`, from the catalogs at hand (the one it speaks among them). */
export function startI18n(language: Language, catalogs: Catalogs): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: Object.fromEntries(Object.entries(catalogs).map(([name, translation]) => [name, { translation }])),
    lng: language,
    fallbackLng: 'en',
    // one namespace: a key's `:` is part of it (a mail route such as `unknown-sender:replied`), not a namespace's end
    nsSeparator: false,
    interpolation: { escapeValue: false },
    initAsync: false,
    showSupportNotice: false,
  });
  instance.on('languageChanged', (lng) => {
    if (typeof document !== 'undefined') document.documentElement.lang = lng;
  });
  if (typeof document !== 'undefined') document.documentElement.lang = language;
  return instance;
}

/** The browser's i18next: the saved or browser language, its catalog fetched first (the other one waits for a switch). */
export async function loadI18n(language: Language = detectLanguage(savedLanguage(), globalThis.navigator?.languages ?? [])): Promise<I18n> {
  return startI18n(language, { [language]: await loadCatalog(language) });
}

/** Switch and remember the language, fetching its catalog the first time. */
export async function switchLanguage(instance: I18n, language: Language) {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, language);
  } catch {}
  if (!instance.hasResourceBundle(language, 'translation')) instance.addResourceBundle(language, 'translation', await loadCatalog(language));
  await instance.changeLanguage(language);
}

/** Dates and numbers in the UI language. */
export function formatDate(value: string | null | undefined, language: string, fallback = '—'): string {
  if (!value) return fallback;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return fallback;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatNumber(value: number | null | undefined, language: string, options: Intl.NumberFormatOptions = {}): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return new Intl.NumberFormat(language, options).format(value);
}
