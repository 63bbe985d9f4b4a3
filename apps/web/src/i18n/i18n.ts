import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { en, FirstWords, MoreWords } from './en';
import { readCookie } from '../cookies';
import { joinWords } from './join-words';
import { LANGUAGE_COOKIE } from '@marketplace/spec/web-language';
import { LANGUAGES, type Language } from './languages';

export { LANGUAGES, type Language } from './languages';

const STORAGE_KEY = 'marketplace.language';

/**
 * The saved choice, else the one the UI last told the server (the `mp_language` cookie, by which the server
 * chose this page and preloaded its words: kept when the browser's storage was cleared), else the first of
 * the browser's languages we speak, else English.
 */
export function detectLanguage(saved: string | null, browser: readonly string[], toldServer: string | null = null): Language {
  if (saved && (LANGUAGES as readonly string[]).includes(saved)) return saved as Language;
  if (toldServer && (LANGUAGES as readonly string[]).includes(toldServer)) return toldServer as Language;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if ((LANGUAGES as readonly string[]).includes(base!)) return base as Language;
  }
  return 'en';
}

/** Tell the server the language shown, so the next page it sends preloads that language's words. */
function rememberForServer(language: Language) {
  if (typeof document === 'undefined') return;
  const secure = globalThis.location?.protocol === 'https:' ? '; secure' : '';
  document.cookie = `${LANGUAGE_COOKIE}=${language}; path=/; max-age=31536000; samesite=lax${secure}`;
}

function savedLanguage(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** A language's catalog, English's shape; each is its own chunk, so a first load fetches only the one it shows. */
export type Messages = typeof en;
/** Per language, its words: every one, or only the first screens' (the rest added by `moreWords`). */
export type Catalogs = Partial<Record<Language, FirstWords>>;

const loadFirst = (language: Language): Promise<FirstWords> => (language === 'pl' ? import('./pl-first').then((module) => module.plFirst) : import('./en-first').then((module) => module.enFirst));
const loadMore = (language: Language): Promise<MoreWords> => (language === 'pl' ? import('./pl-more').then((module) => module.plMore) : import('./en-more').then((module) => module.enMore));

/** The browser's instance while it holds only the first screens' words; the languages whose other words were asked for. */
let browserI18n: I18n | null = null;
const moreAsked = new WeakMap<I18n, Map<string, Promise<void>>>();

function addMore(instance: I18n, language: Language): Promise<void> {
  let asked = moreAsked.get(instance);
  if (!asked) moreAsked.set(instance, (asked = new Map()));
  let added = asked.get(language);
  if (!added) {
    added = loadMore(language).then(
      (words) => void instance.addResourceBundle(language, 'translation', words, true, true),
      (error: unknown) => {
        asked.delete(language); // a later page asks again
        throw error;
      },
    );
    asked.set(language, added);
  }
  return added;
}

/**
 * The words of every page besides the first screens (catalog, app page, chat), in the language shown:
 * a page that needs them waits for this with its own code. Resolves at once for an instance that
 * holds every word (tests, tools).
 */
export function moreWords(): Promise<void> {
  return browserI18n ? addMore(browserI18n, browserI18n.language as Language) : Promise.resolve();
}

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

/**
 * The browser's i18next: the saved or browser language with the first screens' words, or with every
 * word when `everyWord` (a first load of another page: both parts are fetched side by side). The other
 * language waits for a switch, the other pages' words for `moreWords`.
 */
export async function loadI18n(language: Language = detectLanguage(savedLanguage(), globalThis.navigator?.languages ?? [], readCookie(LANGUAGE_COOKIE)), options: { everyWord?: boolean } = {}): Promise<I18n> {
  const asked = Promise.all([loadFirst(language), options.everyWord ? loadMore(language) : null]);
  prepareFormatting(language);
  const [first, more] = await asked;
  const words = more ? joinWords(first, more) : first;
  const instance = startI18n(language, { [language]: words });
  rememberForServer(language);
  if (more) moreAsked.set(instance, new Map([[language, Promise.resolve()]]));
  browserI18n = instance;
  return instance;
}

/** Switch and remember the language, fetching its catalog the first time. */
export async function switchLanguage(instance: I18n, language: Language) {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, language);
  } catch {}
  if (!instance.hasResourceBundle(language, 'translation')) instance.addResourceBundle(language, 'translation', await loadFirst(language));
  // Once other pages' words were needed, the new language brings them too.
  if (moreAsked.has(instance)) await addMore(instance, language);
  await instance.changeLanguage(language);
  rememberForServer(language);
}

/**
 * The first number, date or plural a page formats makes the browser load its formatting data for the
 * language (measured in Chromium: 20–40 ms on a fast machine, several times that on a phone), inside
 * the first render of the page that shows them. A first load does it here instead, while the session,
 * the page's code and its data are on their way (docs/decisions/0070-first-screen-requests-in-one-round.md).
 */
export function prepareFormatting(language: string): void {
  try {
    new Intl.NumberFormat(language).format(0);
    new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(0);
    new Intl.PluralRules(language).select(0);
  } catch {
    // A language the browser does not know: the page formats with its defaults later, as before.
  }
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
