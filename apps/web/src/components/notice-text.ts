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
};

/**
 * A notice the server wrote, in the UI's language: its code's sentence from the catalogs (`notices.*`)
 * with its parameters put in. A code this UI does not know yet (a newer server or agent) falls back
 * to the English sentence that travels beside it.
 */
export function noticeText(i18n: I18n, notice: Notice | null | undefined, english?: string | null): string {
  const key = notice ? `notices.${notice.code}` : null;
  if (!notice || !key || !i18n.exists(key)) return english ?? '';
  const params = Object.fromEntries(
    Object.entries(notice.params).map(([name, value]) => [name, WORDED[name] && typeof value === 'string' ? i18n.t(WORDED[name](value), { defaultValue: value }) : value]),
  );
  return i18n.t(key, params);
}

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
