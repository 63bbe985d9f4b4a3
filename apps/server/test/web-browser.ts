import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../../../artifacts/screenshots/', import.meta.url));

/** Chromium present? If not: skip loudly, but fail under CI=true. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `Chromium not found at ${CHROMIUM}: install it with scripts/install-system-deps.sh (Debian package "chromium"), or set CHROMIUM_PATH.`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n*** SKIPPING the web UI browser tests. ${message}\n`);
  return false;
}

/** Build the SPA into apps/web/dist with Vite, as production (what npm start serves). */
export async function buildWeb(): Promise<void> {
  const vite = path.join(path.dirname(createRequire(path.join(WEB_DIR, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  const { status, stderr } = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: WEB_DIR, env: { ...process.env, NODE_ENV: 'production' }, encoding: 'utf8' });
  if (status !== 0) throw new Error(`vite build failed: ${stderr}`);
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Debian Chromium with a fresh profile. */
export async function launchBrowser(options: { locale?: string } = {}): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'mp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: options.locale ?? 'en-US',
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Fills in and sends the web UI's "Create your organisation" form (the page then shows the catalog). */
export async function registerOrganisation(page: Page, origin: string, who: { organisation: string; name: string; email: string }): Promise<void> {
  await page.goto(origin + '/register');
  await page.getByLabel('Organisation name').fill(who.organisation);
  await page.getByLabel('Your name').fill(who.name);
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Create organisation' }).click();
}

let axeSource: string | undefined;

/** axe-core on the current page: the serious and critical violations, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const has = await page.evaluate(() => typeof (window as any).axe !== 'undefined');
  if (!has) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')) }));
  });
  return violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => `${v.id} (${v.impact}): ${v.help} at ${v.targets.join(', ')}`);
}

/**
 * Screenshots at desktop and phone width, named <page>-<lang>-<width>.png. Returns how wide the
 * page is at 375 px: wider means the whole page scrolls sideways on a phone.
 */
export async function screenshots(page: Page, name: string, language: string): Promise<number> {
  await mkdir(SCREENSHOTS, { recursive: true });
  let phoneWidth = 0;
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    if (width === 375) phoneWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${language}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return phoneWidth;
}
