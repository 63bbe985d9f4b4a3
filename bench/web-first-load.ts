/**
 * What a signed-in admin's first load of the catalog, an app page and the chat fetches, in Debian
 * Chromium on the production web build at Lighthouse's phone size (412 × 823; sections below the first
 * screen load when scrolled to): each script, its gzip size (level 9, what the 80 KB budget counts)
 * and the total per page and language, against the budget (a screenshot of each first screen in
 * artifacts/screenshots/first-load-*.png). Also the header at 1200, 1280
 * and 375 px in English and Polish: whether the navigation stays on one line (screenshots in
 * artifacts/screenshots/header-*.png).
 *
 *   node --import tsx bench/web-first-load.ts
 *
 * Goal (issue 15): each page's first-load JavaScript ≤ 80 KB gzip. Exits 1 when a page misses it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startAuditedServer } from '../apps/server/test/lighthouse-audit.js';
import { chromiumAvailable, launchBrowser, SCREENSHOTS, WEB_DIR } from '../apps/server/test/web-browser.js';

const BUDGET_KB = 80;
if (!chromiumAvailable()) process.exit(0);

const server = await startAuditedServer();
const { base } = server;
const pages = [
  { name: 'catalog', path: '/', heading: { en: 'Catalog', pl: 'Katalog' } },
  { name: 'app page', path: `/apps/${server.appId}`, heading: null },
  { name: 'chat', path: '/chat', heading: null },
];
const browser = await launchBrowser();
let missed = 0;
try {
  await browser.context.addCookies(server.cookies.map(({ name, value }) => ({ name, value, url: base })));
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 412, height: 823 });
  const summary: string[] = [];
  for (const language of ['en', 'pl']) {
    for (const target of pages) {
      const scripts: string[] = [];
      const onRequest = (request: { resourceType(): string; url(): string }) => {
        if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
      };
      await page.goto(base + '/404-choose-language', { waitUntil: 'networkidle' });
      // the language chosen as a reader does: remembered by the page and told to the server (cookie)
      await page.evaluate((lng) => localStorage.setItem('marketplace.language', lng), language);
      await browser.context.addCookies([{ name: 'mp_language', value: language, url: base }]);
      // a fresh cache each time: what a first visit fetches
      const session = await browser.context.newCDPSession(page);
      await session.send('Network.clearBrowserCache');
      await session.detach();
      page.on('request', onRequest);
      await page.goto(base + target.path, { waitUntil: 'networkidle' });
      page.off('request', onRequest);
      await page.getByRole('heading', { level: 1, ...(target.heading ? { name: target.heading[language as 'en' | 'pl'] } : {}) }).first().waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, `first-load-${target.name.replace(' ', '-')}-${language}-412.png`) });
      let total = 0;
      console.log(`First load of the ${target.name} in ${language}, signed in as an admin: scripts fetched`);
      for (const script of [...new Set(scripts)]) {
        const gzip = gzipSync(await readFile(path.join(WEB_DIR, 'dist', script)), { level: 9 }).length;
        total += gzip;
        console.log(`  ${script.padEnd(48)} ${(gzip / 1024).toFixed(1).padStart(6)} KB gzip`);
      }
      const met = total / 1024 <= BUDGET_KB;
      if (!met) missed += 1;
      summary.push(`  ${target.name.padEnd(9)} ${language}  ${(total / 1024).toFixed(1).padStart(5)} KB gzip  ${met ? 'met' : 'MISSED'}`);
    }
  }
  console.log(`First-load JavaScript per page, budget ${BUDGET_KB} KB gzip:\n${summary.join('\n')}`);

  console.log('Header navigation: rows it takes');
  for (const language of ['en', 'pl']) {
    await page.evaluate((lng) => localStorage.setItem('marketplace.language', lng), language);
    for (const width of [1200, 1280, 375]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(base + '/', { waitUntil: 'networkidle' });
      const rows = await page.evaluate(() => {
        const links = Array.from(document.querySelectorAll('header nav a, header nav button, header nav summary')).filter((el) => (el as HTMLElement).offsetParent !== null);
        return new Set(links.map((el) => Math.round(el.getBoundingClientRect().top))).size;
      });
      const header = await page.evaluate(() => Math.round(document.querySelector('header')!.getBoundingClientRect().height));
      await page.screenshot({ path: path.join(SCREENSHOTS, `header-${language}-${width}.png`), clip: { x: 0, y: 0, width, height: Math.min(800, header + 40) } });
      console.log(`  ${language} ${String(width).padStart(4)} px: ${rows} row(s), header ${header} px high`);
      // the folded parts, opened: the account menu on a laptop, the whole menu on a phone
      await page.locator(width === 375 ? '.menu-toggle' : '.account-toggle').click();
      await page.screenshot({ path: path.join(SCREENSHOTS, `header-${language}-${width}-open.png`), clip: { x: 0, y: 0, width, height: 420 } });
    }
  }
} finally {
  await browser.close();
  await server.close();
}
process.exitCode = missed > 0 ? 1 : 0;
