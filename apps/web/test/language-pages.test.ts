import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { languagePagesPlugin } from '../scripts/language-pages';
import { LANGUAGES } from '../src/i18n/languages';
import { PAGE_HEAD } from '../src/i18n/page-head';

const indexHtml = readFileSync(new URL('../index.html', import.meta.url), 'utf8');

/** The pages the build writes from the real index.html, through the plugin as Vite calls it. */
function languagePages(): Record<string, string> {
  const plugin = languagePagesPlugin(LANGUAGES, PAGE_HEAD);
  const emitted: Record<string, string> = {};
  const bundle: Record<string, unknown> = { 'index.html': { type: 'asset', source: indexHtml } };
  for (const language of LANGUAGES) bundle[`assets/${language}-first.js`] = { type: 'chunk', fileName: `assets/${language}-first-abc.js`, facadeModuleId: `/app/src/i18n/${language}-first.ts` };
  const context = {
    error: (message: string) => {
      throw new Error(message);
    },
    emitFile: (file: { fileName: string; source: string }) => (emitted[file.fileName] = file.source),
  };
  (plugin.configResolved as (config: { base: string }) => void)({ base: '/' });
  (plugin.generateBundle as unknown as (this: typeof context, options: object, files: object) => void).call(context, {}, bundle);
  return emitted;
}

describe('the page per language', () => {
  it('says its title and description in its own language, before any script runs', () => {
    const pages = languagePages();
    const head = (html: string) => ({ title: /<title>([^<]*)<\/title>/.exec(html)?.[1], description: /<meta name="description" content="([^"]*)"/.exec(html)?.[1] });
    const pl = head(pages['index.pl.html']!);
    expect(pl.title).toBe('Marketplace — aplikacje Twojej organizacji');
    expect(pl.description).toMatch(/^Marketplace aplikacji Twojej organizacji: opisz narzędzie/);
    expect(head(pages['index.en.html']!).description).toMatch(/^Your organisation’s app marketplace/);
    expect(pages['index.pl.html']).toContain('<html lang="pl">');
    expect(pages['index.pl.html']).toContain('href="/assets/pl-first-abc.js"');
    // one title and one description each, and no English left in the Polish head
    expect(pages['index.pl.html']!.match(/<title>/g)).toHaveLength(1);
    expect(pages['index.pl.html']!.match(/name="description"/g)).toHaveLength(1);
    expect(pages['index.pl.html']).not.toContain('Your organisation');
  });

  it('has a title and a description for every language the UI speaks, each its own', () => {
    for (const language of LANGUAGES) expect(PAGE_HEAD[language].title.length, language).toBeGreaterThan(0);
    expect(new Set(LANGUAGES.map((language) => PAGE_HEAD[language].description)).size).toBe(LANGUAGES.length);
  });
});
