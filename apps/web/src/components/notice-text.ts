import type { i18n as I18n } from 'i18next';
import type { Notice } from '../api/types';

/** Parameters that are themselves words of the catalog, by name: a kind is said as the UI says kinds. */
const WORDED: Record<string, (value: string) => string> = {
  kind: (value) => `kinds.${value}`,
  fromKind: (value) => `kinds.${value}`,
  toKind: (value) => `kinds.${value}`,
  fromType: (value) => `specWords.types.${value}`,
  toType: (value) => `specWords.types.${value}`,
  source: (value) => `specWords.sources.${value}`,
  output: (value) => `specWords.outputs.${value}`,
  auth: (value) => `specWords.auth.${value}`,
  language: (value) => `specWords.languages.${value}`,
  step: (value) => `appPage.steps.${value}`,
  thread: (value) => `mail.threads.${value}`,
  mailKind: (value) => `mail.automatic.${value}`,
  mailClass: (value) => `messages.kinds.${value}`,
  route: (value) => `mail.routes.${value}`,
  ruleRoute: (value) => `mail.routes.${value}`,
};
/** Parameters that are comma-separated lists of such words: the cues a mail was classified by. */
const WORDED_LISTS: Record<string, (value: string) => string> = {
  cues: (value) => `mail.cues.${value}`,
};
const wordOf = (i18n: I18n, name: string, value: string | number): string | number => {
  if (typeof value !== 'string') return value;
  if (WORDED[name]) return i18n.t(WORDED[name](value), { defaultValue: value });
  const list = WORDED_LISTS[name];
  return list ? value.split(', ').map((item) => i18n.t(list(item), { defaultValue: item })).join(', ') : value;
};

/**
 * A notice the server wrote, in the UI's language: its code's sentence from the catalogs (`notices.*`)
 * with its parameters put in. A code this UI does not know yet (a newer server or agent) falls back
 * to the English sentence that travels beside it.
 */
export function noticeText(i18n: I18n, notice: Notice | null | undefined, english?: string | null): string {
  const key = notice ? `notices.${notice.code}` : null;
  if (!notice || !key || !i18n.exists(key)) return english ?? '';
  const params = Object.fromEntries(Object.entries(notice.params).map(([name, value]) => [name, wordOf(i18n, name, value)]));
  return i18n.t(key, params);
}

/**
 * The reason code of a Redeploy whose fresh copy did not start or become healthy: the version keeps its
 * state (the copy installed before serves again), and its history says the attempt failed, not "healthy".
 */
export const REINSTALL_FAILED = 'REINSTALL_FAILED';

/** Why a deployment (or an agent's command) is in its state: a code, the English sentence, and that sentence as notices. */
export interface ReasonLike {
  code: string;
  message: string;
  notices?: Notice[] | null | undefined;
}

/**
 * A deployment's reason in the UI's language: its notices worded one after another when this UI knows
 * every one of them, else the catalog's sentence for its code, else the English sentence as sent.
 */
export function reasonText(i18n: I18n, reason: ReasonLike): string {
  const notices = reason.notices ?? [];
  if (notices.length && notices.every((notice) => i18n.exists(`notices.${notice.code}`))) {
    // a quoted part (the health check's answer) is no sentence of its own: it ends where the next begins
    return notices.map((notice) => noticeText(i18n, notice)).reduce((text, next) => (/[.!?:]$/.test(text) ? `${text} ${next}` : `${text}. ${next}`));
  }
  return i18n.t(`deployments.reasons.${reason.code}`, { defaultValue: reason.message });
}

/**
 * Why something happened, said as several notices one after another ("…; …", or full sentences joined by a space): worded when this UI knows
 * every code, else the English sentence as sent (a record older than its notices, or a newer server's).
 */
export function noticesText(i18n: I18n, notices: readonly Notice[] | null | undefined, english: string, separator = '; '): string {
  if (!notices?.length || !notices.every((notice) => i18n.exists(`notices.${notice.code}`))) return english;
  return notices.map((notice) => noticeText(i18n, notice)).join(separator);
}
