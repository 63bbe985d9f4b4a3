import i18next from 'i18next';
import { ADMIN_NOTICES_EN } from '@marketplace/spec/admin-notices-en';
import { ADMIN_NOTICES_PL } from '@marketplace/spec/admin-notices-pl';
import { NOTICE_SENTENCES, NOTICE_WORDS } from '@marketplace/spec/notice-sentences';

export type MailLanguage = 'en' | 'pl';

/** The notices' sentences and words, the same the web UI words them with (@marketplace/spec/notice-sentences). */
const words = i18next.createInstance();
await words.init({
  resources: {
    en: { translation: { notices: { ...NOTICE_SENTENCES.en, ...ADMIN_NOTICES_EN.notices }, words: { ...NOTICE_WORDS.en, mail: ADMIN_NOTICES_EN.words } } },
    pl: { translation: { notices: { ...NOTICE_SENTENCES.pl, ...ADMIN_NOTICES_PL.notices }, words: { ...NOTICE_WORDS.pl, mail: ADMIN_NOTICES_PL.words } } },
  },
  lng: 'en',
  fallbackLng: false,
  // keys are paths of words only; a mail route such as `unknown-sender:replied` is one key, not a namespace
  nsSeparator: false,
  interpolation: { escapeValue: false },
  initAsync: false,
  showSupportNotice: false,
});

/** Parameters that are themselves words of the lists: a validation step is said as the language says it. */
const WORDED: Record<string, string> = { step: 'words.steps', thread: 'words.mail.threads', mailKind: 'words.mail.automatic', route: 'words.mail.routes', ruleRoute: 'words.mail.routes' };
/** Parameters that are lists of such words, comma-separated: the cues a mail was classified by. */
const WORDED_LISTS: Record<string, string> = { cues: 'words.mail.cues' };

const wordOf = (list: string, value: string, language: MailLanguage) => words.t(`${list}.${value}`, { lng: language, defaultValue: value });
const paramWord = (name: string, value: string | number, language: MailLanguage): string | number => {
  if (typeof value !== 'string') return value;
  if (WORDED[name]) return wordOf(WORDED[name], value, language);
  if (WORDED_LISTS[name]) return value.split(', ').map((item) => wordOf(WORDED_LISTS[name]!, item, language)).join(', ');
  return value;
};

/**
 * A notice in a mail's language: its code's sentence with its parameters put in. A code without a
 * sentence (a newer agent's) and a notice that is missing say the English sentence that travels beside it.
 */
export function noticeSentence(notice: { code: string; params: Record<string, string | number> } | null | undefined, language: MailLanguage, english: string): string {
  const key = notice ? `notices.${notice.code}` : '';
  if (!notice || !words.exists(key, { lng: language })) return english;
  const params = Object.fromEntries(Object.entries(notice.params).map(([name, value]) => [name, paramWord(name, value, language)]));
  return words.t(key, { ...params, lng: language });
}

/** A pipeline's own term in a mail's language: a validation step (`exercise`), a scanner (`clamav`) or its verdict (`clean`). */
export const pipelineWord = (list: 'steps' | 'scanners' | 'scanVerdicts', value: string, language: MailLanguage): string => words.t(`words.${list}.${value}`, { lng: language, defaultValue: value });

/** A deployment state (healthy, rolled-back …) in a mail's language. */
export const deploymentStateWord = (state: string, language: MailLanguage): string => words.t(`words.deploymentStates.${state}`, { lng: language, defaultValue: state });

/** Notices said one after another ("…; …"), in English unless told: the sentence that travels beside them. */
export const noticesSentence = (notices: readonly { code: string; params: Record<string, string | number> }[], language: MailLanguage = 'en'): string =>
  notices.map((notice) => noticeSentence(notice, language, notice.code)).join('; ');
