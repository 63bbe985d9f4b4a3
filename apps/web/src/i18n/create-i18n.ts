import type { i18n as I18n } from 'i18next';
import { en } from './en';
import { pl } from './pl';
import { startI18n, type Language } from './i18n';

/** An i18next instance with both catalogs at hand, speaking `language` at once: for tests and tools, not the browser's first load. */
export function createI18n(language: Language = 'en'): I18n {
  return startI18n(language, { en, pl });
}
