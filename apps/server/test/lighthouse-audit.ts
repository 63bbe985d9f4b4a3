import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, type LaunchedChrome } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './web-browser.js';

export const LIGHTHOUSE_ARTIFACTS = fileURLToPath(new URL('../../../artifacts/lighthouse/', import.meta.url));
export const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface PageScores {
  name: string;
  url: string;
  /** 0–100 per category, as Lighthouse prints them. */
  scores: Record<Category, number>;
  /** The audits that cost points outside performance: what to fix. */
  failing: string[];
  firstContentfulPaintMs: number;
  transferredKb: number;
}

export interface BrowserCookie {
  name: string;
  value: string;
}

/**
 * Lighthouse 12 (its default mobile profile: Moto G Power viewport, simulated slow 4G and 4× CPU
 * slowdown; cold cache, since it clears the origin's storage before loading) against pages of a
 * running marketplace, in Debian Chromium. `cookies` sign the browser in first: Lighthouse keeps
 * cookies when it resets storage, so a page loads as it does for a signed-in person. Each report
 * (HTML and JSON) is written to artifacts/lighthouse/<name>.{html,json}.
 */
export async function auditPages(base: string, pages: { name: string; path: string }[], cookies: BrowserCookie[] = []): Promise<PageScores[]> {
  const chrome: LaunchedChrome = await launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    if (cookies.length > 0) {
      const browser = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
      await browser.contexts()[0]!.addCookies(cookies.map((cookie) => ({ ...cookie, url: base })));
      await browser.close();
    }
    await mkdir(LIGHTHOUSE_ARTIFACTS, { recursive: true });
    const results: PageScores[] = [];
    for (const page of pages) {
      const url = base + page.path;
      const run = await lighthouse(url, { port: chrome.port, output: ['html', 'json'], logLevel: 'error', onlyCategories: [...CATEGORIES] });
      if (!run) throw new Error(`Lighthouse returned nothing for ${url}`);
      const [html, json] = run.report as string[];
      await writeFile(path.join(LIGHTHOUSE_ARTIFACTS, `${page.name}.html`), html!);
      await writeFile(path.join(LIGHTHOUSE_ARTIFACTS, `${page.name}.json`), json!);
      const { lhr } = run;
      if (lhr.runtimeError) throw new Error(`Lighthouse could not load ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      const scores = Object.fromEntries(CATEGORIES.map((id) => [id, Math.round((lhr.categories[id]?.score ?? 0) * 100)])) as Record<Category, number>;
      const failing = CATEGORIES.filter((id) => id !== 'performance').flatMap((id) =>
        (lhr.categories[id]?.auditRefs ?? [])
          .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1)
          .map((ref) => `${id}: ${ref.id} — ${lhr.audits[ref.id]!.title}`),
      );
      results.push({
        name: page.name,
        url,
        scores,
        failing,
        firstContentfulPaintMs: Math.round(lhr.audits['first-contentful-paint']?.numericValue ?? 0),
        transferredKb: Math.round((lhr.audits['total-byte-weight']?.numericValue ?? 0) / 1024),
      });
    }
    await writeFile(path.join(LIGHTHOUSE_ARTIFACTS, 'scores.json'), JSON.stringify(results, null, 2));
    return results;
  } finally {
    chrome.kill();
  }
}

/** The cookies a browser holds after signing in through the API with `cookie: true`. */
export function cookiesFrom(setCookies: { name: string; value: string }[]): BrowserCookie[] {
  return setCookies.filter((cookie) => cookie.value !== '').map(({ name, value }) => ({ name, value }));
}
