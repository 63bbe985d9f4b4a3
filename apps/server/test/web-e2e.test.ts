import type { AddressInfo } from 'node:net';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helper.js';
import { buildWeb, chromiumAvailable, launchBrowser, registerOrganisation, screenshots, seriousViolations, type Browser } from './web-browser.js';

type Lang = 'en' | 'pl';
interface Tour {
  name: string;
  url: string;
  heading: Record<Lang, string>;
}

/** Every signed-in page, with the heading that proves it rendered. */
const SIGNED_IN: Tour[] = [
  { name: 'catalog', url: '/', heading: { en: 'Catalog', pl: 'Katalog' } },
  { name: 'chat', url: '/chat', heading: { en: 'Describe a new app', pl: 'Opisz nową aplikację' } },
  { name: 'deployments', url: '/deployments', heading: { en: 'Deployments', pl: 'Wdrożenia' } },
  { name: 'analytics', url: '/analytics', heading: { en: 'Analytics', pl: 'Analityka' } },
  // An app id that does not exist in this organisation: the page says so.
  { name: 'app', url: '/apps/00000000-0000-4000-8000-000000000000', heading: { en: 'This app does not exist or was removed.', pl: 'Ta aplikacja nie istnieje albo została usunięta.' } },
  { name: 'admin-users', url: '/admin/users', heading: { en: 'Users', pl: 'Użytkownicy' } },
  { name: 'admin-invitations', url: '/admin/invitations', heading: { en: 'Invitations', pl: 'Zaproszenia' } },
  { name: 'admin-api-keys', url: '/admin/api-keys', heading: { en: 'API keys', pl: 'Klucze API' } },
  { name: 'admin-agent-clients', url: '/admin/agent-clients', heading: { en: 'Agent clients', pl: 'Klienci agentów' } },
  { name: 'admin-config', url: '/admin/config', heading: { en: 'Settings', pl: 'Ustawienia' } },
  { name: 'admin-agents', url: '/admin/agents', heading: { en: 'Agents', pl: 'Agenci' } },
  { name: 'admin-groups', url: '/admin/groups', heading: { en: 'Groups', pl: 'Grupy' } },
  { name: 'admin-keys', url: '/admin/keys', heading: { en: 'Signing keys', pl: 'Klucze podpisu' } },
  { name: 'admin-llm', url: '/admin/llm', heading: { en: 'LLM providers', pl: 'Dostawcy LLM' } },
  { name: 'admin-audit', url: '/admin/audit', heading: { en: 'Audit log', pl: 'Dziennik audytu' } },
];
const SIGNED_OUT: Tour[] = [
  { name: 'sign-in', url: '/', heading: { en: 'Sign in', pl: 'Logowanie' } },
  { name: 'register', url: '/register', heading: { en: 'Create your organisation', pl: 'Załóż organizację' } },
  { name: 'invite', url: '/invite#not-a-real-invitation-token', heading: { en: 'Join your team', pl: 'Dołącz do zespołu' } },
];

/** The API's refusals each page met, so a page that never shows its heading says why. */
const refusals = new WeakMap<Page, string[]>();
function watchRefusals(page: Page): Page {
  const seen: string[] = [];
  refusals.set(page, seen);
  page.on('response', (response) => {
    if (response.status() >= 400 && response.url().includes('/api/')) seen.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`);
  });
  return page;
}

async function settled(page: Page, heading: string) {
  try {
    await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor({ timeout: 20_000 });
  } catch (error) {
    const shown = await page.getByRole('heading', { level: 1 }).allInnerTexts().catch(() => []);
    throw new Error(`"${heading}" did not appear at ${page.url()}; headings shown: ${JSON.stringify(shown)}; API refusals: ${JSON.stringify(refusals.get(page) ?? [])}`, { cause: error });
  }
  await expect.poll(() => page.locator('.loading').count(), { timeout: 20_000 }).toBe(0);
}

async function tour(page: Page, base: string, pages: Tour[], lang: Lang, failures: string[]) {
  for (const entry of pages) {
    await page.goto(base + entry.url);
    await settled(page, entry.heading[lang]);
    const violations = await seriousViolations(page);
    failures.push(...violations.map((v) => `${entry.name} [${lang}]: ${v}`));
    const phoneWidth = await screenshots(page, entry.name, lang);
    if (phoneWidth > 375) failures.push(`${entry.name} [${lang}]: ${phoneWidth} px wide at 375 px`);
    await page.setViewportSize({ width: 375, height: 812 });
    failures.push(...(await seriousViolations(page)).map((v) => `${entry.name} [${lang}, 375 px]: ${v}`));
    await page.setViewportSize({ width: 1280, height: 900 });
  }
}

const enabled = chromiumAvailable();

describe.runIf(enabled)('web UI end to end in Debian Chromium', () => {
  let server: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    await buildWeb();
    server = await createTestApp();
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    browser = await launchBrowser({ locale: 'en-US' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('registers, administers the organisation, switches to Polish, and passes axe on every page', async () => {
    const page = watchRefusals(browser.context.pages()[0] ?? (await browser.context.newPage()));
    const failures: string[] = [];
    const email = `ana-${Date.now()}@example.test`;

    // A signed-out load asks nothing that is bound to be refused: no 401 in the console.
    const refused: string[] = [];
    const onResponse = (response: { status(): number; url(): string }) => {
      if (response.status() === 401) refused.push(response.url());
    };
    page.on('response', onResponse);
    await page.goto(base + '/');
    await settled(page, 'Sign in');
    expect(refused).toEqual([]);
    page.off('response', onResponse);
    expect(await page.locator('meta[name="description"]').getAttribute('content')).toMatch(/^\S.{50,}$/);

    // The build's scripts go out precompressed, cached for good.
    const script = (await (await fetch(base + '/')).text()).match(/src="(\/assets\/[^"]+\.js)"/)![1]!;
    const asset = await fetch(base + script, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(asset.headers.get('content-encoding')).toBe('br');
    expect(asset.headers.get('cache-control')).toContain('immutable');

    // Register an organisation from the sign-in page.
    await page.getByRole('link', { name: 'New here? Create an organisation' }).click();
    await settled(page, 'Create your organisation');
    await page.getByLabel('Organisation name').fill('Acme Widgets');
    await page.getByLabel('Your name').fill('Ana Admin');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Create organisation' }).click();

    // The catalog API has not landed on this server: a clear empty state, not an error.
    await settled(page, 'Catalog');
    await expect.poll(() => page.getByText('No apps yet').count()).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);

    // Invite a colleague: the link is shown once.
    await page.getByRole('link', { name: 'Admin', exact: true }).click();
    await settled(page, 'Users');
    await expect.poll(() => page.getByRole('cell', { name: new RegExp(email) }).count()).toBe(1);
    await page.getByRole('link', { name: 'Invitations' }).click();
    await settled(page, 'Invitations');
    // Client-side navigation moves keyboard focus to the new page's heading.
    await expect.poll(() => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`)).toBe('H1 Invitations');
    const invitee = `ben-${Date.now()}@example.test`;
    await page.getByLabel('E-mail to invite').fill(invitee);
    await page.getByRole('button', { name: 'Invite' }).click();
    const inviteLink = (await page.getByTestId('secret-value').textContent()) ?? '';
    expect(inviteLink).toMatch(new RegExp(`^${base}/invite#.{10,}`));
    await expect.poll(() => page.getByRole('cell', { name: invitee, exact: true }).count()).toBe(1);

    // Create an API key: shown once, gone after closing, and it works against the API.
    await page.getByRole('link', { name: 'API keys' }).click();
    await settled(page, 'API keys');
    await page.getByLabel('Key name').fill('Reporting script');
    await page.getByRole('button', { name: 'Create' }).click();
    const key = (await page.getByTestId('secret-value').textContent()) ?? '';
    expect(key.length).toBeGreaterThan(20);
    const me = await fetch(`${base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    await page.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'Reporting script', exact: true }).count()).toBe(1);
    expect(await page.content()).not.toContain(key);

    // Register a deploy agent client: its secret is shown once; then an enrolment code for a workstation.
    await page.getByRole('link', { name: 'Agent clients' }).click();
    await settled(page, 'Agent clients');
    await page.getByLabel('Workstation or agent name').fill('ana-laptop');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    expect(((await page.getByTestId('secret-value').textContent()) ?? '').length).toBeGreaterThan(20);
    await expect.poll(() => page.getByRole('cell', { name: 'ana-laptop', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Create enrolment code' }).click();
    await expect.poll(async () => (await page.getByTestId('secret-value').last().textContent()) ?? '').toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4})+$/);

    // Change a setting; it survives a reload.
    await page.getByRole('link', { name: 'Settings' }).click();
    await settled(page, 'Settings');
    await page.getByLabel('Requests built at the same time').fill('7');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.reload();
    await settled(page, 'Settings');
    expect(await page.getByLabel('Requests built at the same time').inputValue()).toBe('7');

    // Verify the audit chain.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await settled(page, 'Audit log');
    // Each row's action opens to its details: the action is the row's summary.
    await expect.poll(() => page.getByRole('cell').locator('summary', { hasText: /^settings changed$/ }).count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect.poll(() => page.getByTestId('chain-status').textContent()).toMatch(/^Chain intact: \d+ entries checked\.$/);

    // Every page in English, then switch to Polish and do it again.
    await tour(page, base, SIGNED_IN, 'en', failures);
    // The language and sign-out sit in the account menu, folded behind the person's name so the header keeps one line.
    await page.getByRole('button', { name: 'Account: Ana Admin' }).click();
    await page.getByTestId('language').selectOption('pl');
    await settled(page, 'Dziennik audytu');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('pl');
    await tour(page, base, SIGNED_IN, 'pl', failures);
    expect(await page.getByText(/Nie ma jeszcze aplikacji/).count()).toBe(0); // last page is the audit log
    await page.goto(base + '/');
    await settled(page, 'Katalog');
    await expect.poll(() => page.getByText('Nie ma jeszcze aplikacji').count()).toBe(1);

    // Sign out; the pages before sign-in, in Polish (remembered) and English.
    await page.getByRole('button', { name: 'Konto: Ana Admin' }).click();
    await page.getByRole('button', { name: 'Wyloguj' }).click();
    await settled(page, 'Logowanie');
    await tour(page, base, SIGNED_OUT, 'pl', failures);
    await page.getByTestId('language').selectOption('en');
    await tour(page, base, SIGNED_OUT, 'en', failures);

    // The invited colleague joins through the link and lands in the catalog, without the admin area.
    await page.goto(inviteLink);
    await settled(page, 'Join your team');
    await page.getByLabel('Your name').fill('Ben Member');
    await page.getByLabel('Password').fill('another long password 1');
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await settled(page, 'Catalog');
    expect(await page.getByText('Signed in as Ben Member').count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0);

    expect(failures).toEqual([]);
    // Cookies belong to the host, not the port: a page left open here would share the next servers' cookies.
    await page.close();
  }, 180_000);

  it('keeps the user signed in when the access token expires, by trading the refresh cookie', async () => {
    // The token's expiry is whole seconds (exp = floor(now) + TTL), so a 2 s TTL lives 1–2 s: too short for a
    // refresh-and-retry on a loaded machine, where the retry could arrive expired. 5 s lives 4–5 s.
    const shortLived = await createTestApp({ env: { ACCESS_TOKEN_TTL_SECONDS: '5' } });
    try {
      await shortLived.app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(shortLived.app.server.address() as AddressInfo).port}`;
      await browser.context.clearCookies();
      const page = watchRefusals(await browser.context.newPage());
      const refreshes: number[] = [];
      page.on('response', (response) => {
        if (response.url().endsWith('/api/v1/auth/refresh')) refreshes.push(response.status());
      });
      await registerOrganisation(page, origin, { organisation: 'Short Sessions', name: 'Cy Admin', email: `cy-${Date.now()}@example.test` });
      await settled(page, 'Catalog');
      // The session cookie lives as long as its token: once the browser has dropped it, the token has expired.
      await expect.poll(async () => (await browser.context.cookies(origin)).some((cookie) => cookie.name === 'mp_session'), { timeout: 10_000, interval: 250 }).toBe(false);
      // Both a read and a CSRF-protected write still work after the token has expired.
      await page.getByRole('link', { name: 'Admin', exact: true }).click();
      await page.getByRole('link', { name: 'API keys' }).click();
      await settled(page, 'API keys');
      await page.getByLabel('Key name').fill('After refresh');
      await page.getByRole('button', { name: 'Create' }).click();
      await page.getByTestId('secret-value').waitFor({ timeout: 20_000 });
      expect(refreshes.length).toBeGreaterThan(0);
      expect(refreshes.every((status) => status === 200)).toBe(true);
      expect(await page.getByRole('heading', { level: 1, name: 'Sign in' }).count()).toBe(0);
      await page.close();
    } finally {
      await shortLived.close();
    }
  }, 60_000);

  it('keeps two tabs signed in when both find the access token expired at the same moment', async () => {
    // Tabs share the browser's cookies but each has its own client: both trade the same refresh cookie
    // at once. Refresh-token reuse detection must not take the loser of that race for a thief.
    const shortLived = await createTestApp({ env: { ACCESS_TOKEN_TTL_SECONDS: '5' } });
    try {
      await shortLived.app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(shortLived.app.server.address() as AddressInfo).port}`;
      const context = browser.context;
      await context.clearCookies();
      const first = watchRefusals(await context.newPage());
      await registerOrganisation(first, origin, { organisation: 'Two Tabs', name: 'Di Admin', email: `di-${Date.now()}@example.test` });
      await settled(first, 'Catalog');
      const second = watchRefusals(await context.newPage());
      await second.goto(origin + '/admin/users');
      await settled(second, 'Users');
      const refreshes: number[] = [];
      for (const page of [first, second]) {
        page.on('response', (response) => {
          if (response.url().endsWith('/api/v1/auth/refresh')) refreshes.push(response.status());
        });
      }
      // Both tabs' refreshes are held until both are on their way, so both carry the same refresh cookie.
      const held: Route[] = [];
      let release: () => void = () => {};
      const bothSent = new Promise<void>((resolve) => (release = resolve));
      await context.route(`${origin}/api/v1/auth/refresh`, async (route) => {
        held.push(route);
        if (held.length === 2) release();
        await Promise.race([bothSent, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        await route.continue();
      });
      await expect.poll(async () => (await context.cookies(origin)).some((cookie) => cookie.name === 'mp_session'), { timeout: 10_000, interval: 250 }).toBe(false);
      await Promise.all([first.reload(), second.reload()]);
      await settled(first, 'Catalog');
      await settled(second, 'Users');
      expect(refreshes).toEqual([200, 200]);
      await context.unroute(`${origin}/api/v1/auth/refresh`);
      // The session goes on: one more expiry later, a write from either tab still works.
      await expect.poll(async () => (await context.cookies(origin)).some((cookie) => cookie.name === 'mp_session'), { timeout: 10_000, interval: 250 }).toBe(false);
      await second.goto(origin + '/admin/api-keys');
      await settled(second, 'API keys');
      await second.getByLabel('Key name').fill('Second tab');
      await second.getByRole('button', { name: 'Create' }).click();
      await second.getByTestId('secret-value').waitFor({ timeout: 20_000 });
      expect(await first.getByRole('heading', { level: 1, name: 'Sign in' }).count()).toBe(0);
      await first.close();
      await second.close();
    } finally {
      await shortLived.close();
    }
  }, 90_000);
});
