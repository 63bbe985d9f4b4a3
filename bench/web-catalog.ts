/**
 * The web UI's weight and speed: the production build's initial JavaScript (gzip), and the time
 * until the catalog page (the first page of a 1,000-app catalog) is rendered and the main thread idle, in headless Debian
 * Chromium with the cache disabled, against a blank page loaded from the same server in the same
 * run. GET /api/v1/apps (and /auth/me, /auth/csrf) are served from a generated fixture of 1,000 apps
 * in the server's AppCard shape, paged by limit/offset as the server pages them (the UI asks for 50 at
 * a time); the SPA itself is the real build, served by the real web-ui plugin.
 *
 *   node --import tsx bench/web-catalog.ts [runs=5]
 *
 * Goals: initial JS ≤ 80 KB gzip (issue 15); catalog interactive ≤ 1.5 s.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { chromium, type Page } from 'playwright-core';
import webUi from '../apps/server/src/plugins/web-ui.js';

const runs = Number(process.argv[2] ?? 5);
const webDir = fileURLToPath(new URL('../apps/web/', import.meta.url));
const dist = path.join(webDir, 'dist');

// 1. A fresh production build.
const vite = path.join(webDir, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js');
const built = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'error'], { cwd: webDir, env: { ...process.env, NODE_ENV: 'production' }, encoding: 'utf8' });
if (built.status !== 0) throw new Error(`vite build failed: ${built.stderr}`);

// 2. Initial JS: the entry script and the modules it preloads, as index.html names them.
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
const gz = (file: string) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
const initialJs = initial.filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + gz(f), 0);
const initialCss = initial.filter((f) => f.endsWith('.css')).reduce((sum, f) => sum + gz(f), 0);
const allJs = readdirSync(path.join(dist, 'assets')).filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + gz(`assets/${f}`), 0);

// 3. A server: the real web-ui plugin, plus the catalog fixture.
const kinds = ['api-service', 'web-dashboard', 'form-app', 'automation', 'data-tool'];
const apps = Array.from({ length: 1000 }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: `app-${i}`,
  title: `Internal tool number ${i}`,
  summary: `Tracks the things team ${i % 40} needs tracked, with reminders and a weekly report.`,
  kind: kinds[i % kinds.length],
  tags: [`team-${i % 40}`],
  latestVersion: `1.${i % 10}.0`,
  rating: (i % 50) / 10,
  ratingCount: i % 9,
  installs: (i * 37) % 5000,
  health: { healthy: i % 7, unhealthy: i % 13 === 0 ? 1 : 0 },
  authorId: `00000000-0000-4000-9000-${String(i % 25).padStart(12, '0')}`,
  authorName: `Author ${i % 25}`,
  updatedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
}));
const PAGE = 50;
const server = Fastify();
server.get('/api/v1/auth/me', async () => ({
  user: { id: 'u1', email: 'ana@example.com', name: 'Ana', roles: ['admin'], status: 'active', createdAt: '2026-01-01T00:00:00Z', lastLoginAt: null },
  organization: { id: 'o1', name: 'Acme', slug: 'acme', createdAt: '2026-01-01T00:00:00Z' },
  roles: ['admin'],
  via: 'cookie',
}));
server.get('/api/v1/auth/csrf', async () => ({ csrfToken: 'bench' }));
server.get('/api/v1/apps', async (request) => {
  const query = request.query as { limit?: string; offset?: string };
  const limit = Math.min(200, Number(query.limit ?? 50));
  const offset = Number(query.offset ?? 0);
  return { items: apps.slice(offset, offset + limit), total: apps.length };
});
server.get('/blank', async (_request, reply) => reply.type('text/html').send('<!doctype html><html lang="en"><title>blank</title><p>blank</p></html>'));
await server.register(webUi, { root: dist });
const base = await server.listen({ port: 0, host: '127.0.0.1' });

// 4. Cold loads in headless Chromium, interleaved.
const profile = mkdtempSync(path.join(tmpdir(), 'mp-bench-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
// Signed in: the server's readable marker cookie beside the session, the UI asks for the session only then (apps/web/src/auth/session.tsx).
await context.addCookies([{ name: 'mp_signed_in', value: '1', url: base }]);
const idleAt = (page: Page) => page.evaluate(() => new Promise<number>((resolve) => requestIdleCallback(() => resolve(performance.now()), { timeout: 5000 })));

async function load(url: string, ready: (page: Page) => Promise<unknown>): Promise<number> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.goto(url);
  await ready(page);
  const ms = await idleAt(page);
  await page.close();
  return ms;
}

const blank: number[] = [];
const catalogMs: number[] = [];
const firstPage = (page: Page) => page.waitForFunction((n) => document.querySelectorAll('[data-testid=catalog-grid] > li').length === n, PAGE);
await load(`${base}/`, firstPage); // warm the server and the browser
for (let i = 0; i < runs; i++) {
  blank.push(await load(`${base}/blank`, (page) => page.waitForSelector('p')));
  catalogMs.push(await load(`${base}/`, firstPage));
}
await context.close();
await server.close();
rmSync(profile, { recursive: true, force: true });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
console.log('web catalog benchmark (production build, headless Chromium, cache disabled)');
console.log(`  initial JS (gzip):        ${kb(initialJs)}   goal ≤ 80 KB  ${initialJs <= 80 * 1024 ? 'OK' : 'OVER'}`);
console.log(`  initial CSS (gzip):       ${kb(initialCss)}`);
console.log(`  all JS chunks (gzip):     ${kb(allJs)}   (the rest loads on demand)`);
console.log(`  blank page idle, median:  ${median(blank).toFixed(0)} ms   (${blank.map((v) => v.toFixed(0)).join(', ')})`);
console.log(`  catalog of 1,000 apps (first ${PAGE} cards), interactive, median: ${median(catalogMs).toFixed(0)} ms   (${catalogMs.map((v) => v.toFixed(0)).join(', ')})   goal ≤ 1500 ms  ${median(catalogMs) <= 1500 ? 'OK' : 'OVER'}`);
console.log(`  ratio catalog / blank:    ${(median(catalogMs) / median(blank)).toFixed(1)}×`);
