import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeLayout } from '../src/agent-home.js';
import { installLocal } from '../src/local-install.js';
import { startTestAgent, type TestAgent } from './agent-home-fixture.js';
import { releaseMail, signedTinyRelease, type SignedTinyRelease } from './release-fixtures.js';

/**
 * App data lives in <home>/data/<app> (APP_DATA_DIR), outside the version folders: a real app that
 * appends its version to a file there on every start shows what each step keeps.
 */
const APP = 'notes';
const IDENTITY = { agentId: 'data-agent', mailbox: 'data-agent@agents.example' };
let work: string;
let t: TestAgent;
const dataFile = () => join(homeLayout(t.home).data, APP, 'versions.txt');
const served = async () => {
  const record = t.agent.deployer.apps().find((app) => app.name === APP)!;
  return (await fetch(`http://127.0.0.1:${record.port}/data`)).text();
};
const release = (version: string, broken = false) => signedTinyRelease(t.signer, APP, version, { writesData: true, broken, healthTimeoutSeconds: 3 });
const mail = (r: SignedTinyRelease) => releaseMail(r, { org: t.ctx.org, to: IDENTITY.mailbox, agentId: IDENTITY.agentId });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'app-data-'));
  t = await startTestAgent(work, IDENTITY);
});

afterAll(async () => {
  await t?.agent.stop({ stopApps: true });
  rmSync(work, { recursive: true, force: true });
});

describe('app data across upgrade, failed upgrade, rollback, remove and install', () => {
  it('keeps what v1 wrote in v2, and still after a broken v3 was refused', async () => {
    await t.deliver(await mail(await release('1.0.0')));
    expect(await served()).toBe('1.0.0\n');
    await t.deliver(await mail(await release('2.0.0')));
    expect(t.agent.deployedVersion(APP)).toBe('2.0.0');
    expect(await served()).toBe('1.0.0\n2.0.0\n');
    expect(readFileSync(join(homeLayout(t.home).snapshots, APP, '1.0.0', 'versions.txt'), 'utf8')).toBe('1.0.0\n');

    const asideBefore = existsSync(join(homeLayout(t.home).dataAside, APP)) ? readdirSync(join(homeLayout(t.home).dataAside, APP)) : [];
    await t.deliver(await mail(await release('3.0.0', true)));
    expect(t.agent.deployedVersion(APP)).toBe('2.0.0');
    // the broken v3 started once and wrote its line before it failed its health check: that line is set
    // aside, v2 gets its data back as it left it, and (started again) appends its own line
    expect(await served()).toBe('1.0.0\n2.0.0\n2.0.0\n');
    const aside = readdirSync(join(homeLayout(t.home).dataAside, APP)).filter((name) => !asideBefore.includes(name));
    expect(aside).toEqual([expect.stringMatching(/^3\.0\.0-/)]);
    expect(readFileSync(join(homeLayout(t.home).dataAside, APP, aside[0]!, 'versions.txt'), 'utf8')).toBe('1.0.0\n2.0.0\n3.0.0\n');
    expect(t.logs).toContain(`${APP}: data written by 3.0.0 moved to ${join(homeLayout(t.home).dataAside, APP, aside[0]!)}`);
  }, 60_000);

  it('snapshots the data only after the version being left has stopped: what it saves on the way out is in the snapshot and in the new version', async () => {
    const ledger = (version: string) => signedTinyRelease(t.signer, 'ledger', version, { writesData: true, savesOnStop: true, healthTimeoutSeconds: 3 });
    const ledgerData = async () => {
      const record = t.agent.deployer.apps().find((app) => app.name === 'ledger')!;
      return (await fetch(`http://127.0.0.1:${record.port}/data`)).text();
    };
    await t.deliver(await mail(await ledger('1.0.0')));
    expect(await ledgerData()).toBe('1.0.0\n');
    await t.deliver(await mail(await ledger('1.1.0')));
    expect(t.agent.deployedVersion('ledger')).toBe('1.1.0');
    // v1's last save comes before v2's first line: the two versions never ran on the data together
    expect(await ledgerData()).toBe('1.0.0\nstopped 1.0.0\n1.1.0\n');
    expect(readFileSync(join(homeLayout(t.home).snapshots, 'ledger', '1.0.0', 'versions.txt'), 'utf8')).toBe('1.0.0\nstopped 1.0.0\n');

    // and a rollback returns exactly that copy, v1.1's writes set aside
    const outcome = await t.agent.deployer.rollback('ledger');
    expect(outcome.state).toBe('rolled-back');
    expect(readFileSync(join(outcome.dataAside!, 'versions.txt'), 'utf8')).toBe('1.0.0\nstopped 1.0.0\n1.1.0\nstopped 1.1.0\n');
    expect(await ledgerData()).toBe('1.0.0\nstopped 1.0.0\n1.0.0\n');
    await t.agent.deployer.remove('ledger', { purge: true });
  }, 60_000);

  it('rolls back to v1 with the data as v1 left it, moving what was written since aside and saying where', async () => {
    const outcome = await t.agent.deployer.rollback(APP);
    expect(outcome.state).toBe('rolled-back');
    expect(t.agent.deployedVersion(APP)).toBe('1.0.0');
    expect(outcome.dataAside).toContain(join(homeLayout(t.home).dataAside, APP, '2.0.0-'));
    expect(outcome.report.reason?.message).toContain(outcome.dataAside);
    expect(t.logs.some((line) => line.includes(outcome.dataAside!))).toBe(true);
    expect(readFileSync(join(outcome.dataAside!, 'versions.txt'), 'utf8')).toBe('1.0.0\n2.0.0\n2.0.0\n');
    expect(await served()).toBe('1.0.0\n1.0.0\n');
  }, 30_000);

  it('keeps the data when the app is removed, and a later install by hand finds it', async () => {
    const removed = await t.agent.deployer.remove(APP);
    expect(removed).toMatchObject({ app: APP, state: 'removed' });
    expect(readFileSync(dataFile(), 'utf8')).toBe('1.0.0\n1.0.0\n');
    expect(existsSync(join(homeLayout(t.home).apps, APP))).toBe(false);

    const v2 = await release('2.1.0');
    writeFileSync(join(work, v2.envelopeFileName), v2.envelopeJson);
    writeFileSync(join(work, v2.bundleFileName), v2.bundle);
    // the running agent keeps its own record; a hand install goes through a second deployer on the same home
    await t.restart(async () => {
      const outcome = await installLocal({ home: t.home, releasePath: join(work, v2.envelopeFileName), bundlePath: join(work, v2.bundleFileName), fetchKeyList: async () => t.ctx.keyList, maxHealthTimeoutMs: 4000, log: () => {} });
      expect(outcome).toMatchObject({ state: 'healthy', report: { reason: { code: 'LOCAL_INSTALL' } } });
      const port = Number(new URL(outcome.report.health!.url!).port);
      expect(await (await fetch(`http://127.0.0.1:${port}/data`)).text()).toBe('1.0.0\n1.0.0\n2.1.0\n');
    });
    const actions = readFileSync(homeLayout(t.home).localActions, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(actions.at(-1)).toMatchObject({ action: 'install', app: APP, version: '2.1.0', outcome: 'healthy' });
    // the agent started afterwards adopts the hand-installed version
    expect(t.agent.deployedVersion(APP)).toBe('2.1.0');
    expect(await served()).toBe('1.0.0\n1.0.0\n2.1.0\n');
  }, 60_000);

  it('refuses a hand install of a release the agent would refuse too (not newer), with its code', async () => {
    const old = await release('1.5.0');
    writeFileSync(join(work, old.envelopeFileName), old.envelopeJson);
    writeFileSync(join(work, old.bundleFileName), old.bundle);
    await t.restart(async () => {
      const outcome = await installLocal({ home: t.home, releasePath: join(work, old.envelopeFileName), bundlePath: join(work, old.bundleFileName), fetchKeyList: async () => t.ctx.keyList, log: () => {} });
      expect(outcome).toMatchObject({ state: 'rejected', report: { reason: { code: 'VERSION_NOT_NEWER' } } });
    });
    expect(t.agent.deployedVersion(APP)).toBe('2.1.0');
  }, 30_000);

  it('deletes the data with remove --purge', async () => {
    await t.agent.deployer.remove(APP, { purge: true });
    expect(existsSync(join(homeLayout(t.home).data, APP))).toBe(false);
    expect(existsSync(join(homeLayout(t.home).snapshots, APP))).toBe(false);
  }, 30_000);
});
