import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helper.js';
import { buildWeb, chromiumAvailable, launchBrowser, registerOrganisation, type Browser } from './web-browser.js';

/** The chat in Debian Chromium: each conversation has its own address, survives a reload and is listed; the draft panel's edits are turns. */
async function settled(page: Page, heading: string) {
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor({ timeout: 30_000 });
  await expect.poll(() => page.locator('.loading').count(), { timeout: 30_000 }).toBe(0);
}

describe.runIf(chromiumAvailable())('chat history in the browser (Debian Chromium)', () => {
  let work: string;
  let server: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    await buildWeb();
    work = mkdtempSync(join(tmpdir(), 'web-chat-'));
    server = await createTestApp({ env: { DATA_DIR: work } });
    base = (await server.app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
    browser = await launchBrowser({ locale: 'en-US' });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('gives a conversation its own address, resumes it after a reload and lists it', async () => {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await registerOrganisation(page, base, { organisation: 'Chat History', name: 'Ada Kowalska', email: `ada-${Date.now()}@example.test` });
    await settled(page, 'Catalog');

    await page.goto(base + '/chat');
    await settled(page, 'Describe a new app');
    await page.getByLabel('Message').fill('A web dashboard to track laptops with fields: serial number, owner');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.url(), { timeout: 30_000 }).toMatch(/\/chat\/[0-9a-f-]{36}$/);
    const address = page.url();
    await expect.poll(() => page.locator('.message.assistant').count(), { timeout: 30_000 }).toBe(1);
    await page.getByLabel('Message').fill('Add a notes field too.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.locator('.message.assistant').last().textContent(), { timeout: 30_000 }).toContain('Added the field “Notes”');

    await page.reload();
    await settled(page, 'Describe a new app');
    await expect.poll(() => page.locator('.message').count(), { timeout: 30_000 }).toBe(4);
    await expect.poll(() => page.getByRole('complementary').textContent(), { timeout: 30_000 }).toContain('Notes');
    const list = page.getByTestId('conversation-list');
    await expect.poll(() => list.textContent(), { timeout: 30_000 }).toMatch(/ready to build/);

    // The draft panel's edits go to the engine as turns; each reply says what changed.
    const draft = page.getByRole('complementary');
    const lastReply = async () => (await page.locator('.message.assistant').last().textContent())?.replace(/^Assistant: /, '');
    await draft.getByRole('button', { name: 'Rename the app' }).click();
    await draft.getByLabel('Rename the app').fill('Device list');
    await draft.getByRole('button', { name: 'Save' }).click();
    await expect.poll(lastReply, { timeout: 30_000 }).toMatch(/^Renamed the app from “[^”]+” to “Device list”/);
    await draft.getByRole('button', { name: 'Rename the records' }).click();
    await draft.getByLabel('Rename the records').fill('Device');
    await draft.getByRole('button', { name: 'Save' }).click();
    await expect.poll(lastReply, { timeout: 30_000 }).toMatch(/^Renamed the records from “Laptop” to “Device”/);
    await draft.getByRole('button', { name: 'Add a field' }).click();
    await draft.getByLabel('Add a field').fill('Cost centre');
    await draft.getByRole('button', { name: 'Save' }).click();
    await expect.poll(lastReply, { timeout: 30_000 }).toMatch(/^Added the field “Cost centre”/);
    await draft.getByRole('button', { name: 'Rename Owner' }).click();
    await draft.getByLabel('Rename Owner').fill('Holder');
    await draft.getByRole('button', { name: 'Save' }).click();
    await expect.poll(lastReply, { timeout: 30_000 }).toMatch(/^Renamed the field “Owner” to “Holder”/);
    await draft.getByRole('button', { name: 'Remove Notes' }).click();
    await expect.poll(lastReply, { timeout: 30_000 }).toMatch(/^Removed the field “Notes”/);
    await expect.poll(() => draft.textContent(), { timeout: 30_000 }).toContain('Holder');
    expect(await draft.textContent()).not.toContain('Owner');

    await page.getByRole('link', { name: 'New conversation' }).click();
    await expect.poll(() => page.locator('.message').count(), { timeout: 10_000 }).toBe(0);
    await list.getByRole('link').first().click();
    await expect.poll(() => page.url(), { timeout: 10_000 }).toBe(address);
    await expect.poll(() => page.locator('.message').count(), { timeout: 30_000 }).toBe(14);
  }, 240_000);
});
