import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import path from 'node:path';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webUi from '../src/plugins/web-ui.js';
import { createTestApp, type TestApp } from './helper.js';

describe('web UI plugin on its own, serving a build folder', () => {
  let root: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'web-ui-'));
    await mkdir(path.join(root, 'assets'));
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Marketplace</title><div id="root"></div>');
    await writeFile(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(path.join(root, 'robots.txt'), 'User-agent: *');
    // A build precompresses its text files: app.js has both copies, only-gzip.css only a .gz.
    const script = 'export const answer = 42;\n'.repeat(100);
    await writeFile(path.join(root, 'assets', 'app-def456.js'), script);
    await writeFile(path.join(root, 'assets', 'app-def456.js.br'), brotliCompressSync(script));
    await writeFile(path.join(root, 'assets', 'app-def456.js.gz'), gzipSync(script));
    await writeFile(path.join(root, 'assets', 'only-gzip.css'), 'body{}');
    await writeFile(path.join(root, 'assets', 'only-gzip.css.gz'), gzipSync('body{}'));
    await writeFile(path.join(path.dirname(root), `${path.basename(root)}-secret.txt`), 'outside');
    app = Fastify();
    await app.register(webUi, { root });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
    await rm(path.join(path.dirname(root), `${path.basename(root)}-secret.txt`), { force: true });
  });

  it('serves index.html at / and for client routes, without caching it', async () => {
    for (const url of ['/', '/admin/audit', '/apps/abc?tab=code', '/invite']) {
      const response = await app.inject({ url, headers: { accept: 'text/html' } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toContain('<div id="root">');
    }
  });

  it('serves hashed assets with long caching and a JavaScript type', async () => {
    const response = await app.inject('/assets/index-abc123.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/javascript');
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('sends the build\'s Brotli or gzip copy to a client that accepts it, and says the answer varies by Accept-Encoding', async () => {
    const script = 'export const answer = 42;\n'.repeat(100);
    const br = await app.inject({ url: '/assets/app-def456.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toContain('text/javascript');
    expect(br.headers['cache-control']).toContain('immutable');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);
    expect(br.rawPayload.length).toBeLessThan(script.length / 10);

    const gz = await app.inject({ url: '/assets/app-def456.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);

    // Brotli refused, or only a .gz copy built: gzip; nothing accepted: the file as it is.
    const refused = await app.inject({ url: '/assets/app-def456.js', headers: { 'accept-encoding': 'br;q=0, gzip' } });
    expect(refused.headers['content-encoding']).toBe('gzip');
    const onlyGzip = await app.inject({ url: '/assets/only-gzip.css', headers: { 'accept-encoding': 'br, gzip' } });
    expect(onlyGzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(onlyGzip.rawPayload).toString()).toBe('body{}');
    const plain = await app.inject('/assets/app-def456.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.body).toBe(script);
    // index.html has no copy here: sent as it is, whatever the client accepts.
    const page = await app.inject({ url: '/', headers: { accept: 'text/html', 'accept-encoding': 'br' } });
    expect(page.headers['content-encoding']).toBeUndefined();
    expect(page.body).toContain('<div id="root">');
  });

  it('answers a missing asset with 404, not the HTML page', async () => {
    const response = await app.inject('/assets/gone-123.js');
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('<div id="root">');
  });

  it('never serves a file outside the build folder', async () => {
    for (const url of [`/../${path.basename(root)}-secret.txt`, `/%2e%2e/${path.basename(root)}-secret.txt`, '/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/..%5c..%5cetc%5cpasswd']) {
      const response = await app.inject({ url, headers: { accept: 'text/html' } });
      expect(response.body, url).not.toContain('outside');
      expect(response.body, url).not.toContain('root:');
    }
  });

  it('serves other files of the build as they are', async () => {
    const response = await app.inject('/robots.txt');
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('User-agent: *');
  });
});

describe('web UI page in the reader\'s language', () => {
  let root: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'web-ui-lang-'));
    await writeFile(path.join(root, 'index.html'), '<!doctype html><html lang="en"><title>plain</title>');
    // What the build writes beside index.html: one page per language, preloading its words.
    for (const language of ['en', 'pl']) await writeFile(path.join(root, `index.${language}.html`), `<!doctype html><html lang="${language}"><link rel="modulepreload" href="/assets/${language}-first-x.js">`);
    app = Fastify();
    await app.register(cookie);
    await app.register(webUi, { root });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
  });
  const page = (headers: Record<string, string>, url = '/') => app.inject({ url, headers: { accept: 'text/html', ...headers } });

  it('follows the browser\'s languages (a region counts as its language), and English when it speaks none of ours', async () => {
    expect((await page({ 'accept-language': 'pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7' })).body).toContain('<html lang="pl">');
    expect((await page({ 'accept-language': 'de-DE,de;q=0.9,pl;q=0.5,en;q=0.3' }, '/apps/a1')).body).toContain('/assets/pl-first-x.js');
    expect((await page({ 'accept-language': 'en-GB,en;q=0.9' }, '/chat')).body).toContain('<html lang="en">');
    expect((await page({ 'accept-language': 'de-DE,fr;q=0.8' })).body).toContain('<html lang="en">');
    expect((await page({})).body).toContain('<html lang="en">');
  });

  it('prefers the language the reader last saw (its cookie), ignores a cookie naming no language of ours, and says the page varies by both', async () => {
    const chosen = await page({ 'accept-language': 'pl-PL', cookie: 'mp_language=en' });
    expect(chosen.body).toContain('<html lang="en">');
    expect(chosen.headers.vary).toMatch(/accept-language/i);
    expect(chosen.headers.vary).toMatch(/cookie/i);
    expect(chosen.headers['cache-control']).toBe('no-cache');
    expect((await page({ 'accept-language': 'en', cookie: 'mp_language=pl' })).body).toContain('<html lang="pl">');
    for (const junk of ['../index', 'de', 'pl%00', 'index']) expect((await page({ 'accept-language': 'pl', cookie: `mp_language=${junk}` })).body, junk).toContain('<html lang="pl">');
  });

  it('reads the cookie the web UI writes: one name, kept in one place for both', async () => {
    // the name the web UI writes the cookie under (i18n.ts), and no other spelling of it in either app
    const { LANGUAGE_COOKIE } = await import('@marketplace/spec/web-language');
    expect(readFileSync(new URL('../../web/src/i18n/i18n.ts', import.meta.url), 'utf8')).toMatch(/import \{ LANGUAGE_COOKIE \} from '@marketplace\/spec\/web-language'/);
    expect((await page({ 'accept-language': 'en', cookie: `${LANGUAGE_COOKIE}=pl` })).body).toContain('<html lang="pl">');
    const sources = (dir: string): string[] =>
      (readdirSync(new URL(dir, import.meta.url), { recursive: true }) as string[]).filter((file) => /\.tsx?$/.test(file)).map((file) => readFileSync(new URL(`${dir}${file}`, import.meta.url), 'utf8'));
    const naming = [...sources('../src/'), ...sources('../../web/src/')].filter((text) => text.includes(`'${LANGUAGE_COOKIE}'`));
    expect(naming).toEqual([]);
  });

  it('sends the plain index.html when the build has no page for the language chosen', async () => {
    await rm(path.join(root, 'index.pl.html'));
    expect((await page({ 'accept-language': 'pl' })).body).toContain('<title>plain</title>');
  });
});

describe('web UI inside the whole server', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp();
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('never shadows the API, docs, metrics or health endpoints', async () => {
    const unknownApi = await testApp.app.inject({ url: '/api/v1/no-such-route', headers: { accept: 'text/html' } });
    expect(unknownApi.statusCode).toBe(404);
    expect(unknownApi.headers['content-type']).toContain('application/problem+json');
    expect(unknownApi.json().code).toBe('ROUTE_NOT_FOUND');
    expect((await testApp.app.inject('/healthz')).statusCode).toBe(200);
    expect((await testApp.app.inject('/docs/json')).json().openapi).toMatch(/^3\./);
    const metrics = await testApp.app.inject('/metrics');
    expect(metrics.body).not.toContain('<div id="root">');
    expect((await testApp.app.inject({ url: '/docs/nothing-here', headers: { accept: 'text/html' } })).body).not.toContain('<div id="root">');
  });

  it('keeps its catch-all route out of the OpenAPI document', async () => {
    const doc = (await testApp.app.inject('/docs/json')).json();
    expect(Object.keys(doc.paths).some((p) => p === '/*' || p === '/{*}')).toBe(false);
  });
});
