import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createPipelineApp, register, type Account } from './helper.js';
import { auditPages, cookiesFrom, LIGHTHOUSE_ARTIFACTS, type PageScores } from './lighthouse-audit.js';
import { buildWeb, chromiumAvailable } from './web-browser.js';

/**
 * Lighthouse (mobile profile, cold cache, signed in) on the catalog, an app page and the chat of a
 * real server with a published app. Accessibility and best practices must stay at 100; every
 * category's score, performance included, is written to artifacts/lighthouse/ (scores.json and one
 * report per page). Performance is measured, not asserted here: `npm run bench -- web-lighthouse`
 * compares it with its goal, on a quiet machine.
 */
const enabled = chromiumAvailable();

describe.runIf(enabled)('Lighthouse on the signed-in web UI (Debian Chromium)', () => {
  let pipeline: Awaited<ReturnType<typeof createPipelineApp>>;
  let base: string;
  let admin: Account;
  let appId: string;

  beforeAll(async () => {
    await buildWeb();
    pipeline = await createPipelineApp();
    await pipeline.t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(pipeline.t.app.server.address() as AddressInfo).port}`;
    admin = await register(pipeline.t.app);
    const submitted = await call(pipeline.t.app, admin, {
      method: 'POST',
      url: '/api/v1/requests',
      payload: { text: 'I need a REST API to track laptops: serial number, owner e-mail, purchase date, price and status (in use, spare, broken). Protect it with an API key.' },
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    for (let waited = 0; ; waited += 250) {
      const request = (await call(pipeline.t.app, admin, { method: 'GET', url: `/api/v1/requests/${submitted.json().id}` })).json();
      if (request.state === 'published') {
        appId = request.appId;
        break;
      }
      if (request.state === 'failed' || waited > 120_000) throw new Error(`the laptops request did not publish: ${JSON.stringify(request.steps)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 180_000);

  afterAll(async () => pipeline?.close());

  it('scores 100 for accessibility and best practices on catalog, app page and chat, and writes every score to artifacts/lighthouse', async () => {
    const login = await pipeline.t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: admin.email, password: 'correct horse battery staple', cookie: true } });
    expect(login.statusCode).toBe(200);
    const results: PageScores[] = await auditPages(
      base,
      [
        { name: 'catalog', path: '/' },
        { name: 'app-page', path: `/apps/${appId}` },
        { name: 'chat', path: '/chat' },
      ],
      cookiesFrom(login.cookies),
    );
    console.log(`Lighthouse (mobile, cold cache) — reports in ${LIGHTHOUSE_ARTIFACTS}`);
    for (const page of results) console.log(`  ${page.name.padEnd(9)} ${JSON.stringify(page.scores)} FCP ${page.firstContentfulPaintMs} ms, ${page.transferredKb} KiB`);
    for (const page of results) {
      expect(page.scores.accessibility, `${page.name}: ${page.failing.join('; ')}`).toBe(100);
      expect(page.scores['best-practices'], `${page.name}: ${page.failing.join('; ')}`).toBe(100);
    }
  }, 300_000);
});
