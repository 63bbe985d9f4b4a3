import type { Language } from './languages';

/**
 * Each language page's `<title>` and `<meta name="description">` (written into `index.<language>.html`
 * at build time by scripts/language-pages.ts; a search engine and a browser tab read them before any
 * script runs).
 */
export const PAGE_HEAD: Record<Language, { title: string; description: string }> = {
  en: {
    title: 'Marketplace — your organisation’s apps',
    description: 'Your organisation’s app marketplace: describe a tool in your own words, get it built, signed and installed on your workstation.',
  },
  pl: {
    title: 'Marketplace — aplikacje Twojej organizacji',
    description: 'Marketplace aplikacji Twojej organizacji: opisz narzędzie własnymi słowami, a zostanie zbudowane, podpisane i zainstalowane na Twojej stacji roboczej.',
  },
};
