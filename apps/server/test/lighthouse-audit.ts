import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, type LaunchedChrome } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { call, createPipelineApp, register } from './helper.js';
import { buildWeb, CHROMIUM } from './web-browser.js';

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
      const audit = () => lighthouse(url, { port: chrome.port, output: ['html', 'json'], logLevel: 'error', onlyCategories: [...CATEGORIES] });
      let run = await audit();
      // NO_NAVSTART: Chromium's trace of the load was not recorded (Lighthouse's own advice: run it again); the page is not at fault
      for (let retry = 0; retry < 2 && run?.lhr.runtimeError?.code === 'NO_NAVSTART'; retry += 1) run = await audit();
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
function cookiesFrom(setCookies: { name: string; value: string }[]): BrowserCookie[] {
  return setCookies.filter((cookie) => cookie.value !== '').map(({ name, value }) => ({ name, value }));
}

/** A listening server on the production web build with one published app, and a signed-in admin's browser cookies. */
export interface AuditedServer {
  base: string;
  appId: string;
  cookies: BrowserCookie[];
  close(): Promise<void>;
}

/**
 * What the Lighthouse test and bench audit: the web UI built for production, a server with the
 * pipeline running, an organisation, the README's laptops request published, and its admin signed in.
 */
export async function startAuditedServer(): Promise<AuditedServer> {
  await buildWeb();
  const pipeline = await createPipelineApp();
  try {
    await pipeline.t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(pipeline.t.app.server.address() as AddressInfo).port}`;
    const admin = await register(pipeline.t.app);
    const submitted = await call(pipeline.t.app, admin, {
      method: 'POST',
      url: '/api/v1/requests',
      payload: { text: 'I need a REST API to track laptops: serial number, owner e-mail, purchase date, price and status (in use, spare, broken). Protect it with an API key.' },
    });
    if (submitted.statusCode !== 202) throw new Error(`the laptops request was refused: ${submitted.body}`);
    let appId = '';
    for (let waited = 0; !appId; waited += 250) {
      const request = (await call(pipeline.t.app, admin, { method: 'GET', url: `/api/v1/requests/${submitted.json().id}` })).json();
      if (request.state === 'published') appId = request.appId;
      else if (request.state === 'failed' || waited > 120_000) throw new Error(`the laptops request did not publish: ${JSON.stringify(request.steps)}`);
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const login = await pipeline.t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: admin.email, password: 'correct horse battery staple', cookie: true } });
    if (login.statusCode !== 200) throw new Error(`signing in failed: ${login.body}`);
    return { base, appId, cookies: cookiesFrom(login.cookies), close: () => pipeline.close() };
  } catch (error) {
    await pipeline.close();
    throw error;
  }
}
