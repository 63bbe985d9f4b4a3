import type { Plugin } from 'vite';

/** What a language page says in its head before any script runs. */
export interface PageHead {
  title: string;
  description: string;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const TITLE = /<title>[^<]*<\/title>/;
const DESCRIPTION = /<meta name="description" content="[^"]*"\s*\/?>/;

/** index.html's head in a language: its `<html lang>`, title and description. */
export function pageIn(html: string, language: string, head: PageHead | undefined): string {
  let page = html.replace('<html lang="en">', `<html lang="${language}">`);
  if (head) page = page.replace(TITLE, `<title>${escapeHtml(head.title)}</title>`).replace(DESCRIPTION, `<meta name="description" content="${escapeHtml(head.description)}" />`);
  return page;
}

/**
 * Vite plugin: beside index.html, one page per language (`index.<language>.html`) with `<html lang>`
 * set, its title and description (src/i18n/page-head.ts) and a `<link rel="modulepreload">` of that
 * language's first-screen words (src/i18n/<language>-first.ts). The server sends the page of the reader's language, so the words
 * are fetched beside the entry script instead of after it has run.
 */
export function languagePagesPlugin(languages: readonly string[], heads: Partial<Record<string, PageHead>> = {}): Plugin {
  let base = '/';
  return {
    name: 'marketplace-language-pages',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      base = config.base;
    },
    generateBundle(_options, bundle) {
      const index = bundle['index.html'];
      if (index?.type !== 'asset') return this.error('index.html is not in the bundle: the language pages are made from it');
      const html = String(index.source);
      if (!html.includes('<html lang="en">') || !html.includes('</head>')) return this.error('index.html must start with <html lang="en"> and have a </head>');
      if (!TITLE.test(html) || !DESCRIPTION.test(html)) return this.error('index.html must have a <title> and a <meta name="description" content="…">: each language page says its own');
      for (const language of languages) {
        const words = Object.values(bundle).find((file) => file.type === 'chunk' && file.facadeModuleId?.endsWith(`/src/i18n/${language}-first.ts`));
        if (!words) return this.error(`no chunk for src/i18n/${language}-first.ts: is it still imported on its own?`);
        const page = pageIn(html, language, heads[language]).replace('</head>', `  <link rel="modulepreload" crossorigin href="${base}${words.fileName}">\n  </head>`);
        this.emitFile({ type: 'asset', fileName: `index.${language}.html`, source: page });
      }
    },
  };
}
