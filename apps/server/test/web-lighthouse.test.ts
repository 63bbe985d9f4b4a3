import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPages, LIGHTHOUSE_ARTIFACTS, startAuditedServer, type AuditedServer } from './lighthouse-audit.js';
import { chromiumAvailable } from './web-browser.js';

/**
 * Lighthouse (mobile profile, cold cache, signed in) on the catalog, an app page and the chat of a
 * real server with a published app. Accessibility and best practices must stay at 100; every
 * category's score, performance included, is written to artifacts/lighthouse/ (scores.json and one
 * report per page). Performance is measured, not asserted here: `npm run bench -- web-lighthouse`
 * compares it with its goal, on a quiet machine.
 */
const enabled = chromiumAvailable();

describe.runIf(enabled)('Lighthouse on the signed-in web UI (Debian Chromium)', () => {
  let server: AuditedServer;

  beforeAll(async () => {
    server = await startAuditedServer();
  }, 180_000);

  afterAll(async () => server?.close());

  it('scores 100 for accessibility and best practices on catalog, app page and chat, and writes every score to artifacts/lighthouse', async () => {
    const results = await auditPages(
      server.base,
      [
        { name: 'catalog', path: '/' },
        { name: 'app-page', path: `/apps/${server.appId}` },
        { name: 'chat', path: '/chat' },
      ],
      server.cookies,
    );
    console.log(`Lighthouse (mobile, cold cache) — reports in ${LIGHTHOUSE_ARTIFACTS}`);
    for (const page of results) console.log(`  ${page.name.padEnd(9)} ${JSON.stringify(page.scores)} FCP ${page.firstContentfulPaintMs} ms, ${page.transferredKb} KiB`);
    for (const page of results) {
      expect(page.scores.accessibility, `${page.name}: ${page.failing.join('; ')}`).toBe(100);
      expect(page.scores['best-practices'], `${page.name}: ${page.failing.join('; ')}`).toBe(100);
    }
  }, 300_000);
});
