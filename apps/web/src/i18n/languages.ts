/** The languages the UI speaks; each has its words (src/i18n/<language>-first.ts, -more.ts) and its page (index.<language>.html). */
export const LANGUAGES = ['en', 'pl'] as const;
export type Language = (typeof LANGUAGES)[number];
