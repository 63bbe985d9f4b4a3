import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeLayout } from '../src/agent-home.js';
import { deployedApps, formatDeployedApps } from '../src/commands/list-command.js';
import { installLocal } from '../src/local-install.js';
import type { DeploymentReport } from '../src/server-client.js';
import { startTestAgent, type TestAgent } from './agent-home-fixture.js';
import { deliveryFor, releaseMail, signedTinyRelease } from './release-fixtures.js';

/**
 * An app may read a file on the workstation outside its data folder only where the organisation's
 * policy, signed into the delivery statement, allows the path; the release alone grants nothing.
 */
const AGENT = { agentId: 'agent-workstation-files', mailbox: 'agent-files@agents.test' };
let work: string;
let exportsDir: string;
let t: TestAgent;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'workstation-files-'));
  exportsDir = join(work, 'srv', 'exports');
  mkdirSync(exportsDir, { recursive: true });
  writeFileSync(join(exportsDir, 'sales.csv'), 'region,amount\nnorth,120\nsouth,80\n');
  t = await startTestAgent(work, AGENT);
}, 60_000);

afterAll(async () => {
  await t?.agent.stop({ stopApps: true });
  rmSync(work, { recursive: true, force: true });
});

const lastRejection = () => t.logs.filter((line) => line.startsWith('rejected ')).at(-1) ?? '';
/** The reports waiting for the server (it does not answer in these tests), oldest first. */
const queuedReports = (): DeploymentReport[] => {
  const outbox = homeLayout(t.home).outbox;
  return readdirSync(outbox)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(outbox, name), 'utf8')) as DeploymentReport);
};
const rowsOf = async (app: string): Promise<Response> => {
  const port = t.agent.deployer.apps().find((record) => record.name === app)?.port;
  return fetch(`http://127.0.0.1:${port}/rows`);
};

describe('files on the workstation', () => {
  it('deploys an app reading an export the policy allows, shows the grant, and the app serves rows from the real file', async () => {
    const file = join(exportsDir, 'sales.csv');
    const release = await signedTinyRelease(t.signer, 'sales-board', '1.0.0', { readsFile: { path: file, setting: 'SOURCE_1_FILE' } });
    const delivery = deliveryFor(release, { agentId: AGENT.agentId, overrides: { policy: { readPaths: [exportsDir] } } });
    await t.deliver(await releaseMail(release, { org: t.ctx.org, to: AGENT.mailbox, agentId: AGENT.agentId, delivery }));
    expect(t.agent.deployedVersion('sales-board'), t.logs.join('\n')).toBe('1.0.0');
    expect(t.logs).toContain(`sales-board 1.0.0 may read, read only, outside its data folder: ${file} (setting SOURCE_1_FILE, allowed by ${exportsDir}).`);
    const port = t.agent.deployer.apps().find((record) => record.name === 'sales-board')?.port;
    const rows = (await (await fetch(`http://127.0.0.1:${port}/rows`)).json()) as string[];
    expect(rows).toEqual(['region,amount', 'north,120', 'south,80']);
  });

  it('refuses an app whose file the delivery grants no prefix for, naming the path and the setting', async () => {
    const release = await signedTinyRelease(t.signer, 'payroll-board', '1.0.0', { readsFile: { path: '/etc/shadow', setting: 'SOURCE_1_FILE' } });
    await t.deliver(await releaseMail(release, { org: t.ctx.org, to: AGENT.mailbox, agentId: AGENT.agentId }));
    expect(t.agent.deployedVersion('payroll-board')).toBeUndefined();
    expect(lastRejection()).toContain('READ_PATH_NOT_ALLOWED');
    expect(lastRejection()).toContain('"/etc/shadow"');
    expect(lastRejection()).toContain('policy.workstationReadPaths: no workstation path is allowed');
  });

  it('refuses a path beside the allowed folder that only shares its name', async () => {
    const release = await signedTinyRelease(t.signer, 'sibling-board', '1.0.0', { readsFile: { path: `${exportsDir}-private/salaries.csv`, setting: 'SOURCE_1_FILE' } });
    const delivery = deliveryFor(release, { agentId: AGENT.agentId, overrides: { policy: { readPaths: [exportsDir] } } });
    await t.deliver(await releaseMail(release, { org: t.ctx.org, to: AGENT.mailbox, agentId: AGENT.agentId, delivery }));
    expect(t.agent.deployedVersion('sibling-board')).toBeUndefined();
    expect(lastRejection()).toContain('READ_PATH_NOT_ALLOWED');
    expect(lastRejection()).toContain(`allowed: ${exportsDir}`);
  });

  it('refuses to grant a workstation file to a release installed by hand', async () => {
    const release = await signedTinyRelease(t.signer, 'hand-board', '1.0.0', { readsFile: { path: join(exportsDir, 'sales.csv'), setting: 'SOURCE_1_FILE' } });
    const releasePath = join(work, release.envelopeFileName);
    const bundlePath = join(work, release.bundleFileName);
    writeFileSync(releasePath, release.envelopeJson);
    writeFileSync(bundlePath, release.bundle);
    const outcome = await installLocal({ home: t.home, releasePath, bundlePath, fetchKeyList: async () => t.ctx.keyList, log: () => {} });
    expect(outcome.state).toBe('rejected');
    expect(outcome.report.reason?.code).toBe('READ_PATH_NOT_ALLOWED');
    expect(outcome.report.reason?.message).toMatch(/install by hand carries no signed grant/);
  });

  it('deploys an app whose granted file is not there yet, says which path is missing and what to do, and the app reads the file once it appears', async () => {
    const file = join(exportsDir, 'tomorrow.csv');
    const release = await signedTinyRelease(t.signer, 'nightly-board', '1.0.0', { readsFile: { path: file, setting: 'SOURCE_1_FILE' } });
    const delivery = deliveryFor(release, { agentId: AGENT.agentId, overrides: { policy: { readPaths: [exportsDir] } } });
    await t.deliver(await releaseMail(release, { org: t.ctx.org, to: AGENT.mailbox, agentId: AGENT.agentId, delivery }));
    expect(t.agent.deployedVersion('nightly-board'), t.logs.join('\n')).toBe('1.0.0');
    const note = t.logs.find((line) => line.startsWith('READ_PATH_MISSING: nightly-board 1.0.0')) ?? '';
    expect(note).toContain(`${file} (setting SOURCE_1_FILE) does not exist on this workstation: put the file there`);
    expect(t.logs).toContain('nightly-board 1.0.0: healthy (READ_PATH_MISSING)');
    const final = queuedReports().filter((report) => report.app === 'nightly-board').at(-1);
    expect(final?.state).toBe('healthy');
    expect(final?.reason?.code).toBe('READ_PATH_MISSING');
    expect(final?.reason?.message).toContain(`${file} (setting SOURCE_1_FILE) does not exist on this workstation`);
    expect((await rowsOf('nightly-board')).status).toBe(500);
    // `marketplace-agent list` says it too, for as long as the file is not there
    expect(formatDeployedApps(await deployedApps(t.home))).toContain(`  READ_PATH_MISSING: nightly-board 1.0.0 reads a workstation file that it cannot read yet: ${file} (setting SOURCE_1_FILE) does not exist`);

    writeFileSync(file, 'region,amount\neast,5\n');
    expect(await (await rowsOf('nightly-board')).json()).toEqual(['region,amount', 'east,5']);
    expect(formatDeployedApps(await deployedApps(t.home))).not.toContain('READ_PATH_MISSING');
  });

  it('says nothing about missing files when every granted file is there', () => {
    const final = queuedReports().filter((report) => report.app === 'sales-board').at(-1);
    expect(final?.state).toBe('healthy');
    expect(final?.reason).toBeUndefined();
    expect(t.logs.some((line) => line.includes('READ_PATH_MISSING') && line.includes('sales-board'))).toBe(false);
  });

  it('refuses the next version of a running app once the organisation no longer allows its file, and the running version keeps serving', async () => {
    const file = join(exportsDir, 'sales.csv');
    const first = await signedTinyRelease(t.signer, 'narrowed-board', '1.0.0', { readsFile: { path: file, setting: 'SOURCE_1_FILE' } });
    const wide = deliveryFor(first, { agentId: AGENT.agentId, overrides: { policy: { readPaths: [exportsDir] } } });
    await t.deliver(await releaseMail(first, { org: t.ctx.org, to: AGENT.mailbox, agentId: AGENT.agentId, delivery: wide }));
    expect(t.agent.deployedVersion('narrowed-board'), t.logs.join('\n')).toBe('1.0.0');

    // the administrator narrows policy.workstationReadPaths: the next delivery statement carries the narrower list
    const next = await signedTinyRelease(t.signer, 'narrowed-board', '1.1.0', { readsFile: { path: file, setting: 'SOURCE_1_FILE' } });
    const narrow = deliveryFor(next, { agentId: AGENT.agentId, overrides: { policy: { readPaths: [join(exportsDir, 'public')] } } });
    await t.deliver(await releaseMail(next, { org: t.ctx.org, to: AGENT.mailbox, agentId: AGENT.agentId, delivery: narrow }));
    expect(t.agent.deployedVersion('narrowed-board')).toBe('1.0.0');
    expect(lastRejection()).toContain('rejected narrowed-board 1.1.0: READ_PATH_NOT_ALLOWED');
    expect(lastRejection()).toContain(`"${file}"`);
    expect(lastRejection()).toContain(`allowed: ${join(exportsDir, 'public')}`);
    const refused = queuedReports().filter((report) => report.app === 'narrowed-board' && report.version === '1.1.0').at(-1);
    expect(refused?.state).toBe('rejected');
    expect(refused?.reason?.code).toBe('READ_PATH_NOT_ALLOWED');
    expect(await (await rowsOf('narrowed-board')).json()).toEqual(['region,amount', 'north,120', 'south,80']);

    // a delivery with no read paths at all (the list emptied) is refused the same way
    const emptied = await signedTinyRelease(t.signer, 'narrowed-board', '1.2.0', { readsFile: { path: file, setting: 'SOURCE_1_FILE' } });
    await t.deliver(await releaseMail(emptied, { org: t.ctx.org, to: AGENT.mailbox, agentId: AGENT.agentId }));
    expect(t.agent.deployedVersion('narrowed-board')).toBe('1.0.0');
    expect(lastRejection()).toContain('rejected narrowed-board 1.2.0: READ_PATH_NOT_ALLOWED');
  });
});
