import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installLocal } from '../src/local-install.js';
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
});
