import type { Plugin } from 'vite';

/**
 * Vite plugin: beside index.html, one page per language (`index.<language>.html`) with `<html lang>`
 * set and a `<link rel="modulepreload">` of that language's first-screen words
 * (src/i18n/<language>-first.ts). The server sends the page of the reader's language, so the words
 * are fetched beside the entry script instead of after it has run.
 */
export function languagePagesPlugin(languages: readonly string[]): Plugin {
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
      for (const language of languages) {
        const words = Object.values(bundle).find((file) => file.type === 'chunk' && file.facadeModuleId?.endsWith(`/src/i18n/${language}-first.ts`));
        if (!words) return this.error(`no chunk for src/i18n/${language}-first.ts: is it still imported on its own?`);
        const page = html.replace('<html lang="en">', `<html lang="${language}">`).replace('</head>', `  <link rel="modulepreload" crossorigin href="${base}${words.fileName}">\n  </head>`);
        this.emitFile({ type: 'asset', fileName: `index.${language}.html`, source: page });
      }
    },
  };
}
