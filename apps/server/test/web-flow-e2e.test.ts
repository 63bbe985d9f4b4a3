import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMaildir } from '@marketplace/mail';
import { mailboxDirectory } from '@marketplace/mail/hub';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { enroll, probeHealth, startAgent, type RunningAgent } from '../../agent/src/index.js';
import { buildWeb, chromiumAvailable, launchBrowser, registerOrganisation, screenshots, seriousViolations, type Browser } from './web-browser.js';
import { startWebStack, type WebStack } from './web-stack.js';

/**
 * The whole product through the browser, on embedded defaults: an employee registers, asks for an
 * app in Polish in the chat, builds it, finds it in the catalog with its code, enrols a workstation,
 * installs the app there (release e-mail through the embedded mail hub into the agent's Maildir), watches
 * the deployment turn healthy without reloading, reviews the app, sees it in analytics, and verifies
 * the audit chain. Every page, now full of real data, is screenshotted in English and Polish.
 */
const REQUEST_PL = 'Potrzebuję formularza do zgłaszania awarii sprzętu z polami: nazwa urządzenia, opis, priorytet (niski, średni, wysoki), e-mail zgłaszającego';

type Lang = 'en' | 'pl';
interface Tour {
  name: string;
  url: string;
  heading: Record<Lang, string>;
}

async function settled(page: Page, heading: string | RegExp) {
  await page.getByRole('heading', { level: 1, name: heading, exact: typeof heading === 'string' }).waitFor({ timeout: 30_000 });
  await expect.poll(() => page.locator('.loading').count(), { timeout: 30_000 }).toBe(0);
}

/**
 * Scrolls to an app page section's heading. The sections below the first screen are rendered after its
 * paint and swap their placeholder for the loaded section as they near the screen, so the heading found
 * may be replaced while it is scrolled to: the scroll is tried again on the one that replaced it.
 */
async function scrollToSection(page: Page, name: string, exact = true) {
  await vi.waitFor(() => page.getByRole('heading', { level: 2, name, exact }).scrollIntoViewIfNeeded({ timeout: 2000 }), { timeout: 20_000, interval: 100 });
}

const enabled = chromiumAvailable();

describe.runIf(enabled)('from a Polish chat request to a healthy deployment, in Debian Chromium', () => {
  let work: string;
  let stack: WebStack;
  let browser: Browser;
  let base: string;
  let agent: RunningAgent | undefined;

  beforeAll(async () => {
    await buildWeb();
    work = mkdtempSync(join(tmpdir(), 'web-flow-'));
    stack = await startWebStack(work, 'a browser end-to-end root passphrase');
    base = stack.base;
    browser = await launchBrowser({ locale: 'en-US' });
  }, 180_000);

  afterAll(async () => {
    await agent?.stop({ stopApps: true });
    await browser?.close();
    await stack?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('register → chat in Polish → build → catalog → install → healthy live → review → analytics → audit → next app delivered by itself', async () => {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const failures: string[] = [];

    // Register.
    await registerOrganisation(page, base, { organisation: 'Serwis Sprzętu', name: 'Ola Nowak', email: `ola-${Date.now()}@example.test` });
    await settled(page, 'Catalog');

    // Chat in Polish: the draft fills in beside the conversation, in Polish.
    await page.getByRole('link', { name: 'New app', exact: true }).click();
    await settled(page, 'Describe a new app');
    await page.getByLabel('Message').fill(REQUEST_PL);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.locator('.message.assistant').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const draft = page.getByRole('complementary');
    await expect.poll(() => draft.textContent(), { timeout: 30_000 }).toContain('Priorytet');

    // Build: the pipeline's stages go by, live, until published.
    await page.getByRole('complementary').getByRole('button', { name: 'Build this app' }).click();
    const steps = page.getByTestId('build-steps');
    await steps.waitFor();
    await expect.poll(() => steps.locator('.step-done').count(), { timeout: 240_000, interval: 1000 }).toBeGreaterThanOrEqual(6);
    // No workstation is enrolled yet, so there is nothing to deliver; the page says where to install from.
    await expect.poll(() => steps.locator('li').last().textContent(), { timeout: 20_000 }).toMatch(/Deliver\s*not sent: no workstation enrolled/);
    const open = page.getByRole('link', { name: /^Open the app \(v/ });
    await open.waitFor({ timeout: 30_000 });
    await open.click();
    const title = 'Formularz do zgłaszania awarii sprzętu';
    await settled(page, title);
    const appUrl = page.url();

    // The catalog lists it; its page previews the code.
    await page.getByRole('link', { name: 'Catalog', exact: true }).click();
    await settled(page, 'Catalog');
    await page.getByRole('link', { name: title }).first().click();
    await settled(page, title);
    // It opens on the app's README (the preview loads when scrolled to); another file is a click away.
    await scrollToSection(page, 'Code');
    await expect.poll(() => page.locator('.code-pane').textContent(), { timeout: 20_000 }).toContain(title);
    await page.getByRole('navigation', { name: 'Files' }).getByRole('button', { name: 'app.json' }).click();
    await expect.poll(() => page.locator('.code-pane').textContent(), { timeout: 20_000 }).toContain('"kind": "form-app"');
    expect(await page.getByText('Validation and scan').count()).toBeGreaterThan(0);

    // Enrol a workstation with a code from the Deployments page, and start its deploy agent.
    await page.getByRole('link', { name: 'Deployments', exact: true }).click();
    await settled(page, 'Deployments');
    await page.getByRole('button', { name: 'Create enrolment code' }).click();
    const code = ((await page.getByTestId('secret-value').last().textContent()) ?? '').trim();
    expect(code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4})+$/);
    const home = join(work, 'agent-home');
    const enrolled = await enroll({ server: base, code, home });
    agent = await startAgent({ home, mailbox: await openMaildir(mailboxDirectory(work, enrolled.mailbox)), heartbeatIntervalMs: 2_000, maxHealthTimeoutMs: 30_000, log: () => {} });
    agent.watch();

    // A second tab watches the deployment monitor, empty for now, while the first installs the app.
    const monitor = await browser.context.newPage();
    await monitor.goto(base + '/deployments');
    await settled(monitor, 'Deployments');
    await expect.poll(() => monitor.getByText('No deployments yet').count()).toBe(1);

    // Install on my workstation from the app page.
    await page.goto(appUrl);
    await settled(page, title);
    await page.getByRole('button', { name: 'Install on my workstation' }).click();
    await expect.poll(() => page.getByText(/Release e-mail queued for 1 workstation/).count(), { timeout: 20_000 }).toBe(1);

    // The monitor tab shows it turning healthy without a reload.
    const row = monitor.getByRole('row').filter({ hasText: /formularz/i });
    await expect.poll(async () => ((await row.count()) ? await row.first().textContent() : ''), { timeout: 120_000, interval: 500 }).toContain('healthy');
    const deployed = agent.deployer.apps().find((app) => app.current);
    expect(deployed?.port).toBeDefined();
    expect((await probeHealth(deployed!.port!, '/healthz')).ok).toBe(true);
    // "Open" takes the user to the running app on this workstation, in a new tab.
    const openLink = row.first().getByRole('link', { name: /^Open/ });
    await expect.poll(() => openLink.getAttribute('href'), { timeout: 20_000 }).toBe(`http://127.0.0.1:${deployed!.port}/`);
    const [running] = await Promise.all([monitor.waitForEvent('popup'), openLink.click()]);
    await running.waitForLoadState();
    expect(await running.locator('body').textContent()).toMatch(/urządzenia/i);
    await running.close();
    await monitor.close();

    // Review it.
    await page.goto(appUrl);
    await settled(page, title);
    await scrollToSection(page, 'Reviews');
    await page.getByLabel('Stars').selectOption('5');
    await page.getByLabel('What do you think?').fill('Działa od pierwszego razu.');
    await page.getByRole('button', { name: 'Save review' }).click();
    await expect.poll(() => page.getByText('Działa od pierwszego razu.').count(), { timeout: 20_000 }).toBeGreaterThan(0);

    // Its catalog card carries the rating, the install and the health of the real deployment.
    await page.getByRole('link', { name: 'Catalog', exact: true }).click();
    await settled(page, 'Catalog');
    const card = page.locator('article, li').filter({ has: page.getByRole('link', { name: title }) }).last();
    await expect.poll(() => card.textContent(), { timeout: 20_000 }).toMatch(/Installs: 1/);
    expect(await card.textContent()).toMatch(/1 healthy/);
    expect(await card.textContent()).toMatch(/Rating 5 of 5/);

    // Analytics counts the published app and the healthy deployment.
    await page.getByRole('link', { name: 'Analytics', exact: true }).click();
    await settled(page, 'Analytics');
    const tiles = page.getByLabel('Totals for the period');
    await expect.poll(() => tiles.first().textContent(), { timeout: 20_000 }).toMatch(/Apps published\s*1/);
    await expect.poll(() => tiles.first().textContent()).toMatch(/Deployments\s*1 healthy of 1/);

    // The admin verifies the audit chain.
    await page.getByRole('link', { name: 'Admin', exact: true }).click();
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await settled(page, 'Audit log');
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect.poll(() => page.getByTestId('chain-status').textContent(), { timeout: 20_000 }).toMatch(/^Chain intact: \d+ entries checked\.$/);

    // Now that a workstation is enrolled, the next app built in the chat is delivered to it by itself.
    await page.getByRole('link', { name: 'New app', exact: true }).click();
    await settled(page, 'Describe a new app');
    await page.getByLabel('Message').fill('A REST API to track laptops: serial number, owner e-mail, status (in use, spare, broken)');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.getByRole('complementary').textContent(), { timeout: 30_000 }).toContain('serial');
    // This time through the quick action under the reply.
    await page.getByRole('group', { name: 'Quick actions' }).getByRole('button', { name: 'Build this app' }).click();
    await expect.poll(() => page.getByTestId('build-steps').locator('.step-done').count(), { timeout: 240_000, interval: 1000 }).toBe(7);
    await expect.poll(() => agent!.deployer.apps().filter((app) => app.state === 'healthy').length, { timeout: 120_000, interval: 500 }).toBe(2);
    failures.push(...(await seriousViolations(page)).map((v) => `flow-chat [en]: ${v}`));
    if ((await screenshots(page, 'flow-chat', 'en')) > 375) failures.push('flow-chat [en]: wider than 375 px');

    // Every page, full of data, in English and Polish: screenshots, axe, and 375 px.
    const pages: Tour[] = [
      { name: 'flow-catalog', url: '/', heading: { en: 'Catalog', pl: 'Katalog' } },
      { name: 'flow-app', url: new URL(appUrl).pathname, heading: { en: title, pl: title } },
      { name: 'flow-deployments', url: '/deployments', heading: { en: 'Deployments', pl: 'Wdrożenia' } },
      { name: 'flow-analytics', url: '/analytics', heading: { en: 'Analytics', pl: 'Analityka' } },
      { name: 'flow-admin-keys', url: '/admin/keys', heading: { en: 'Signing keys', pl: 'Klucze podpisu' } },
      { name: 'flow-admin-audit', url: '/admin/audit', heading: { en: 'Audit log', pl: 'Dziennik audytu' } },
    ];
    for (const lang of ['en', 'pl'] as const) {
      if (lang === 'pl') {
        await page.locator('.account-toggle').click();
        await page.getByTestId('language').selectOption('pl');
      }
      for (const entry of pages) {
        await page.goto(base + entry.url);
        await settled(page, entry.heading[lang]);
        if (entry.name === 'flow-app' && lang === 'pl') {
          // The validation report speaks Polish: the trial run and the other passed checks, no English detail left.
          const reports = page.getByRole('region', { name: 'Walidacja i skanowanie' });
          await scrollToSection(page, 'Walidacja i skanowanie', false);
          await expect.poll(() => reports.textContent(), { timeout: 20_000 }).toContain('Próbny przebieg');
          const text = (await reports.textContent()) ?? '';
          expect(text).toContain('wysłano formularz, lista zawiera 1 zgłoszenie, eksport CSV działa');
          expect(text).not.toMatch(/submitted the form|listening on port|answered 200|stopped on SIGTERM|bytes\b|passed, \d+ failed/);
        }
        failures.push(...(await seriousViolations(page)).map((v) => `${entry.name} [${lang}]: ${v}`));
        const phoneWidth = await screenshots(page, entry.name, lang);
        if (phoneWidth > 375) failures.push(`${entry.name} [${lang}]: ${phoneWidth} px wide at 375 px`);
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
