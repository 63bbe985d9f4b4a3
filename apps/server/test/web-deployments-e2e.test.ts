import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMaildir } from '@marketplace/mail';
import { mailboxDirectory } from '@marketplace/mail/hub';
import { simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll, startAgent, type RunningAgent } from '../../agent/src/index.js';
import { signedTinyRelease } from '../../agent/test/release-fixtures.js';
import type { Db } from '../src/db/schema.js';
import { call, register, type Account, type TestApp } from './helper.js';
import { buildWeb, chromiumAvailable, launchBrowser, type Browser } from './web-browser.js';
import { startWebStack, type WebStack } from './web-stack.js';

/**
 * What a person does with an installed app, in Debian Chromium against one server, mail hub and real
 * deploy agent kept for every step: remove it and install it again, roll back (offered only once an
 * earlier version ran there), read its latest log lines on request, find those actions in the audit log
 * under their names, change the password and reset it through the link mailed to the hub's Maildir.
 * Redeploy installs the running version afresh, and a rolled-back version installs again from the app page.
 * Versions are published straight into the catalog (signed as the pipeline signs them), so no build runs.
 */
const APP = 'tiny-notes';
const TITLE = 'Tiny notes';
const NAME = 'Wiktor Wdrożeniowy';
const PASSWORD = 'correct horse battery staple';

async function settled(page: Page, heading: string | RegExp) {
  await page.getByRole('heading', { level: 1, name: heading, exact: typeof heading === 'string' }).waitFor({ timeout: 30_000 });
  await expect.poll(() => page.locator('.loading').count(), { timeout: 30_000 }).toBe(0);
}

const enabled = chromiumAvailable();

describe.runIf(enabled)('installed apps in Debian Chromium: remove and install again, roll back, logs, audit, passwords', () => {
  let work: string;
  let stack: WebStack;
  let server: TestApp;
  let browser: Browser;
  let base: string;
  let agent: RunningAgent;
  let user: Account;
  let appId: string;

  /** A version as the pipeline's publish step leaves it: the signed release and bundle in the catalog. */
  async function publish(version: string) {
    const release = await signedTinyRelease(await server.app.orgKeys.signingKey(user.orgId), APP, version);
    const db = server.database.db as Db;
    if (!(await db.selectFrom('apps').select('id').where('id', '=', appId).executeTakeFirst())) {
      await db.insertInto('apps').values({ id: appId, org_id: user.orgId, name: APP, title: TITLE, summary: 'Notes that answer their version.', kind: 'api-service', tags: [], spec: '{}', latest_version: version, author_id: user.userId }).execute();
    } else await db.updateTable('apps').set({ latest_version: version }).where('id', '=', appId).execute();
    const versionId = randomUUID();
    await db
      .insertInto('app_versions')
      .values({ id: versionId, app_id: appId, org_id: user.orgId, version, request_id: null, spec: '{}', manifest: '{}', changelog: `Version ${version}.`, bundle_sha256: release.sha256, bundle_size: release.size, key_id: release.keyId, release_json: release.envelopeJson, validation_report: JSON.stringify({ ok: true, steps: [{ name: 'start', ok: true }, { name: 'health', ok: true }] }), scan_report: JSON.stringify({ verdict: 'clean', scanners: [{ name: 'secrets', verdict: 'clean' }] }), published_by: user.userId, published_at: new Date() })
      .execute();
    await db.insertInto('app_version_bundles').values({ version_id: versionId, bundle: release.bundle }).execute();
  }

  /** The reset link in the newest password mail of the user's hub mailbox. */
  async function resetLinkToken(since: number): Promise<string | undefined> {
    const dir = join(mailboxDirectory(work, user.email), 'new');
    for (const file of (await readdir(dir).catch(() => [] as string[])).sort().reverse()) {
      const mail = await simpleParser(await readFile(join(dir, file)));
      if ((mail.date?.getTime() ?? 0) < since - 60_000) continue;
      const token = /reset-password#token=([A-Za-z0-9_-]+)/.exec(mail.text ?? '')?.[1];
      if (token) return token;
    }
    return undefined;
  }

  const signIn = async (page: Page, password: string) => {
    await page.goto(base + '/');
    await settled(page, 'Sign in');
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await settled(page, 'Catalog');
  };

  const row = (page: Page, version: string) => page.getByRole('row').filter({ hasText: TITLE }).filter({ hasText: `v${version}` });
  const stateOf = async (page: Page, version: string) => ((await row(page, version).count()) ? ((await row(page, version).first().locator('.badge').first().textContent()) ?? '') : '');

  beforeAll(async () => {
    await buildWeb();
    work = mkdtempSync(join(tmpdir(), 'web-deployments-'));
    stack = await startWebStack(work, 'a browser deployments root passphrase');
    ({ server, base } = stack);
    user = await register(server.app, { organization: 'Wdrożenia Sp. z o.o.', name: NAME, password: PASSWORD });
    appId = randomUUID();
    await publish('1.0.0');
    const { code } = (await call(server.app, user, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
    const home = join(work, 'agent-home');
    const enrolled = await enroll({ server: base, code, home });
    agent = await startAgent({ home, mailbox: await openMaildir(mailboxDirectory(work, enrolled.mailbox)), heartbeatIntervalMs: 5_000, commandIntervalMs: 500, maxHealthTimeoutMs: 30_000, log: () => {} });
    agent.watch();
    browser = await launchBrowser({ locale: 'en-US' });
  }, 600_000);

  afterAll(async () => {
    await agent?.stop({ stopApps: true });
    await browser?.close();
    await stack?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('install → remove → install again → healthy; roll back only with two versions; latest logs; audit names; password change and reset by mail', async () => {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await signIn(page, PASSWORD);

    // Install from the app page: the page lists it on my workstation once the agent reports it healthy.
    const install = async (expected: RegExp) => {
      await page.goto(`${base}/apps/${appId}`);
      await settled(page, TITLE);
      await page.getByRole('button', { name: 'Install on my workstation' }).click();
      await expect.poll(() => page.getByText(expected).count(), { timeout: 20_000 }).toBe(1);
    };
    const mine = page.getByTestId('my-deployments');
    await install(/Release e-mail queued for 1 workstation/);
    await expect.poll(async () => ((await mine.count()) ? await mine.textContent() : ''), { timeout: 120_000, interval: 500 }).toMatch(/v1\.0\.0 · healthy/);
    // Installing what is already there says so and sends nothing.
    await page.getByRole('button', { name: 'Install on my workstation' }).click();
    await expect.poll(() => page.getByText(/Already delivered to 1 workstation and still there/).count(), { timeout: 20_000 }).toBe(1);

    // One version on the workstation: no Roll back; Remove takes it off.
    await page.goto(base + '/deployments');
    await settled(page, 'Deployments');
    await expect.poll(() => stateOf(page, '1.0.0'), { timeout: 20_000 }).toBe('healthy');
    expect(await row(page, '1.0.0').getByRole('button', { name: /^Roll back/ }).count()).toBe(0);
    await row(page, '1.0.0').getByRole('button', { name: /^Remove/ }).click();
    await row(page, '1.0.0').getByRole('button', { name: 'Yes, do it' }).click();
    await expect.poll(() => stateOf(page, '1.0.0'), { timeout: 60_000, interval: 500 }).toBe('removed');
    expect(agent.deployedVersion(APP)).toBeUndefined();

    // Installing again after the removal is a new delivery, and it runs again.
    await install(/Release e-mail queued for 1 workstation/);
    await expect.poll(async () => ((await mine.count()) ? await mine.textContent() : ''), { timeout: 120_000, interval: 500 }).toMatch(/v1\.0\.0 · healthy/);
    expect(agent.deployedVersion(APP)).toBe('1.0.0');

    // A second version: now Roll back is offered on it, and it works.
    await publish('1.1.0');
    await install(/Release e-mail queued for 1 workstation/);
    await expect.poll(async () => ((await mine.count()) ? await mine.textContent() : ''), { timeout: 120_000, interval: 500 }).toMatch(/v1\.1\.0 · healthy/);
    await page.goto(base + '/deployments');
    await settled(page, 'Deployments');
    await expect.poll(() => stateOf(page, '1.1.0'), { timeout: 20_000 }).toBe('healthy');
    await row(page, '1.1.0').getByRole('button', { name: /^Roll back/ }).click();
    await row(page, '1.1.0').getByRole('button', { name: 'Yes, do it' }).click();
    await expect.poll(() => stateOf(page, '1.1.0'), { timeout: 60_000, interval: 500 }).toBe('rolled back');
    await expect.poll(() => stateOf(page, '1.0.0'), { timeout: 30_000, interval: 500 }).toBe('healthy');
    expect(agent.deployedVersion(APP)).toBe('1.0.0');
    expect(await row(page, '1.0.0').getByRole('button', { name: /^Roll back/ }).count()).toBe(0);

    // Redeploy the running version: a new delivery the agent installs afresh (a new process), still healthy.
    const before = agent.deployer.apps().find((a) => a.name === APP)!.pid;
    await row(page, '1.0.0').first().getByRole('button', { name: /^Redeploy/ }).click();
    await row(page, '1.0.0').first().getByRole('button', { name: 'Yes, do it' }).click();
    await expect.poll(() => page.getByText('Release e-mail queued: the workstation installs it again.').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => agent.deployer.apps().find((a) => a.name === APP)?.pid, { timeout: 120_000, interval: 500 }).not.toBe(before);
    expect(agent.deployer.apps().find((a) => a.name === APP)).toMatchObject({ current: '1.0.0', state: 'healthy' });
    await expect.poll(() => stateOf(page, '1.0.0'), { timeout: 30_000, interval: 500 }).toBe('healthy');

    // The latest log lines, on request: the agent answers with its app's log.
    const current = row(page, '1.0.0').first();
    await current.getByText('Last log lines').click();
    await current.getByRole('button', { name: 'Show latest logs' }).click();
    await expect.poll(async () => ((await current.getByTestId('log-tail').count()) ? await current.getByTestId('log-tail').textContent() : ''), { timeout: 30_000, interval: 500 }).toContain(`listening on ${agent.deployer.apps().find((a) => a.name === APP)!.port}`);
    await expect.poll(() => current.getByTestId('logs-request-status').textContent(), { timeout: 10_000 }).toMatch(/^Lines as of /);
    // and its history: every state change, with the reason worded
    await expect.poll(() => current.getByTestId('deployment-history').textContent(), { timeout: 10_000 }).toMatch(/removed · Removed from this workstation\..*healthy.*received.*deploying.*healthy/s);

    // Installing the rolled-back version again sends it again (it is not "still there"), and it runs again.
    await install(/Release e-mail queued for 1 workstation/);
    await expect.poll(async () => ((await mine.count()) ? await mine.textContent() : ''), { timeout: 120_000, interval: 500 }).toMatch(/v1\.1\.0 · healthy/);
    expect(agent.deployedVersion(APP)).toBe('1.1.0');

    // The audit log names who did it.
    await page.goto(base + '/admin/audit');
    await settled(page, 'Audit log');
    // each action in words (its code is in the row's details)
    const removal = page.getByRole('row').filter({ hasText: 'removed from a workstation' }).first();
    await expect.poll(() => removal.textContent(), { timeout: 20_000 }).toContain(NAME);
    expect(await page.getByRole('row').filter({ hasText: 'log lines asked for' }).first().textContent()).toContain(NAME);
    // the target by its app's title (the id on hover), and the Action filter offers the worded actions
    expect(await removal.textContent()).toContain(TITLE);
    await page.getByLabel('Action').selectOption({ label: 'Removed from a workstation' });
    await expect.poll(async () => (await page.getByRole('row').allTextContents()).slice(1).every((text) => text.includes('removed from a workstation')), { timeout: 20_000 }).toBe(true);

    // Change the password, then sign in with the new one.
    const changed = 'a changed passphrase of mine';
    await page.goto(base + '/account');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill(changed);
    await page.getByRole('button', { name: 'Save new password' }).click();
    await expect.poll(() => page.getByText(/^Password changed\./).count(), { timeout: 20_000 }).toBe(1);
    await browser.context.clearCookies();
    await signIn(page, changed);

    // Forgot it: the link comes by mail to the hub, works once, and the new password signs in.
    await browser.context.clearCookies();
    await page.goto(base + '/');
    await settled(page, 'Sign in');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await settled(page, 'Reset your password');
    const asked = Date.now();
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect.poll(() => page.getByText(/the link is on its way/).count(), { timeout: 20_000 }).toBe(1);
    const token = await expect.poll(() => resetLinkToken(asked), { timeout: 30_000, interval: 500 }).toBeTruthy().then(() => resetLinkToken(asked));
    const reset = 'a reset passphrase by mail';
    // the link opens in a new tab, as from a mail client
    const fromMail = async (password: string) => {
      const tab = await browser.context.newPage();
      await tab.goto(`${base}/reset-password#token=${token}`);
      await settled(tab, 'Reset your password');
      await tab.getByLabel('New password').fill(password);
      await tab.getByRole('button', { name: 'Save new password' }).click();
      return tab;
    };
    const first = await fromMail(reset);
    await expect.poll(() => first.getByText('Your new password is set. Sign in with it.').count(), { timeout: 20_000 }).toBe(1);
    await first.close();
    // the same link a second time is refused
    const second = await fromMail('yet another passphrase');
    await expect.poll(() => second.getByRole('alert').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await second.close();
    await signIn(page, reset);
  }, 600_000);
});
