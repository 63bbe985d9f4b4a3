/**
 * What a signed-in admin's first load of the catalog fetches, in Debian Chromium on the production
 * web build: each script, its gzip size (level 9, what the 80 KB budget counts) and the total,
 * against the budget. Also the header at 1200, 1280 and 375 px in English and Polish: whether the
 * navigation stays on one line (screenshots in artifacts/screenshots/header-*.png).
 *
 *   node --import tsx bench/web-first-load.ts
 *
 * Goal (issue 15): the first load's JavaScript ≤ 80 KB gzip.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTestApp, register } from '../apps/server/test/helper.js';
import { buildWeb, chromiumAvailable, launchBrowser, SCREENSHOTS, WEB_DIR } from '../apps/server/test/web-browser.js';

const BUDGET_KB = 80;
if (!chromiumAvailable()) process.exit(0);

await buildWeb();
const server = await createTestApp();
await server.app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
const admin = await register(server.app);
const login = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: admin.email, password: 'correct horse battery staple', cookie: true } });
const browser = await launchBrowser();
try {
  await browser.context.addCookies(login.cookies.filter((cookie) => cookie.value !== '').map(({ name, value }) => ({ name, value, url: base })));
  const page = await browser.context.newPage();
  for (const language of ['en', 'pl']) {
    const scripts: string[] = [];
    const onRequest = (request: { resourceType(): string; url(): string }) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    };
    // a fresh cache each time: what a first visit fetches
    const session = await browser.context.newCDPSession(page);
    await session.send('Network.clearBrowserCache');
    await page.goto(base + '/');
    await page.evaluate((lng) => localStorage.setItem('marketplace.language', lng), language);
    page.on('request', onRequest);
    await page.goto(base + '/', { waitUntil: 'networkidle' });
    page.off('request', onRequest);
    await page.getByRole('heading', { level: 1, name: language === 'en' ? 'Catalog' : 'Katalog' }).waitFor();
    let total = 0;
    console.log(`First load of the catalog in ${language}, signed in as an admin: scripts fetched`);
    for (const script of [...new Set(scripts)]) {
      const gzip = gzipSync(await readFile(path.join(WEB_DIR, 'dist', script)), { level: 9 }).length;
      total += gzip;
      console.log(`  ${script.padEnd(48)} ${(gzip / 1024).toFixed(1).padStart(6)} KB gzip`);
    }
    console.log(`total ${(total / 1024).toFixed(1)} KB gzip, budget ${BUDGET_KB} KB: ${total / 1024 <= BUDGET_KB ? 'met' : 'MISSED'}`);
  }

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
