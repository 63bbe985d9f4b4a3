/** The languages the UI speaks; each has its words (src/i18n/<language>-first.ts, -more.ts) and its page (index.<language>.html). */
export const LANGUAGES = ['en', 'pl'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The cookie that tells the server which language's page to send (it preloads that language's words);
 * without it the server follows Accept-Language. One name for both: the server reads the same constant.
 */
export { LANGUAGE_COOKIE } from '@marketplace/spec/web-language';
