// @vitest-environment node
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RENDERER = fileURLToPath(new URL('../src/components/render-markdown.ts', import.meta.url));
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}: install the Debian package "chromium" or set CHROMIUM_PATH.`);
if (!available) console.warn(`\n*** SKIPPING the README sanitiser test: no Chromium at ${CHROMIUM}.\n`);

/** Sanitising needs a real DOM (happy-dom's lets DOMPurify pass scripts through): the renderer runs in Chromium. */
describe.runIf(available)('README Markdown in Chromium', () => {
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    const bundled = await build({ entryPoints: [RENDERER], bundle: true, format: 'iife', globalName: 'readme', write: false, target: 'es2022', logLevel: 'silent' });
    profile = await mkdtemp(path.join(tmpdir(), 'mp-markdown-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await context.newPage();
    await page.setContent('<!doctype html><title>t</title><body></body>');
    await page.addScriptTag({ content: bundled.outputFiles[0]!.text });
  });
  afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  const render = (markdown: string) =>
    page.evaluate(async (text) => {
      const html = await (window as unknown as { readme: { renderMarkdown(text: string): Promise<string> } }).readme.renderMarkdown(text);
      const box = document.createElement('div');
      box.innerHTML = html;
      const links = [...box.querySelectorAll('a')].map((a) => ({ text: a.textContent, href: a.getAttribute('href'), rel: a.getAttribute('rel') }));
      return { html, text: box.textContent, h1: box.querySelector('h1')?.textContent ?? null, h2: box.querySelector('h2')?.textContent ?? null, strong: box.querySelector('strong')?.textContent ?? null, dangerous: box.querySelectorAll('script, style, form, input, iframe, [onerror], [onclick], [style]').length, links };
    }, markdown);

  it('renders the README: headings (one level down, so the page keeps its own h1), emphasis, lists, code and links to web pages', async () => {
    const result = await render('# Leave requests\n\nKeeps **every** request.\n\n- one\n- two\n\n```\nnpm start\n```\n\n[Docs](https://example.com/docs)');
    expect(result.h1).toBeNull();
    expect(result.h2).toBe('Leave requests');
    expect(result.strong).toBe('every');
    expect(result.html).toContain('<li>one</li>');
    expect(result.html).toContain('<code>npm start');
    expect(result.links).toEqual([{ text: 'Docs', href: 'https://example.com/docs', rel: 'noopener noreferrer nofollow' }]);
  });

  it('shows HTML written in the README as text, and keeps no script, handler, style, form or javascript: link', async () => {
    const result = await render('# Hi\n\n<script>window.owned = 1</script>\n\n<img src="x" onerror="window.owned = 2"> <b style="color:red" onclick="x()">b</b>\n\n<form action="/api/v1/users"><input name="p"></form>\n\n[click](javascript:window.owned=3) [also](JaVaScRiPt:alert(1)) ![pic](javascript:alert(2))');
    expect(result.dangerous).toBe(0);
    expect(result.html.toLowerCase()).not.toContain('javascript:');
    expect(result.text).toContain('<script>window.owned = 1</script>');
    expect(result.links.every((link) => link.href === null)).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { owned?: number }).owned)).toBeUndefined();
  });
});
