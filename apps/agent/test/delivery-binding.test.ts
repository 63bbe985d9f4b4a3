import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReleaseEmail } from '@marketplace/mail';
import { bundleFileName, releaseFileName } from '@marketplace/release';
import { ATTACKED_AGENT, DELIVERY_ATTACKS, type DeliveryAttackCase } from '@marketplace/release/testing';
import { homeLayout } from '../src/agent-home.js';
import { createNonceStore } from '../src/delivery-nonces.js';
import type { DeploymentReport } from '../src/server-client.js';
import { startTestAgent, type TestAgent } from './agent-home-fixture.js';
import { deliveryFor, releaseMail, signedTinyRelease } from './release-fixtures.js';

/**
 * Releases are bound to their workstation: a genuine, correctly signed release is deployed only
 * when its delivery statement names this agent, is unexpired and was not used before.
 */
let work: string;
let t: TestAgent;

const rejected = () => (existsSync(join(t.maildir, '.Marketplace.Rejected', 'cur')) ? readdirSync(join(t.maildir, '.Marketplace.Rejected', 'cur')).length : 0);
const refusals = () => t.logs.filter((line) => line.startsWith('rejected ')).map((line) => line.split(' ')[3]);
/** The reports waiting for the server (it does not answer in these tests), oldest first. */
const queuedReports = (): DeploymentReport[] => {
  const outbox = homeLayout(t.home).outbox;
  return existsSync(outbox)
    ? readdirSync(outbox)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => JSON.parse(readFileSync(join(outbox, name), 'utf8')) as DeploymentReport)
    : [];
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'delivery-binding-'));
  t = await startTestAgent(work, ATTACKED_AGENT);
  const v1 = await signedTinyRelease(t.signer, t.ctx.app, '1.0.0');
  await t.deliver(await releaseMail(v1, { org: t.ctx.org, to: ATTACKED_AGENT.mailbox, agentId: ATTACKED_AGENT.agentId }));
  expect(t.agent.deployedVersion(t.ctx.app)).toBe('1.0.0');
}, 60_000);

afterAll(async () => {
  await t?.agent.stop({ stopApps: true });
  rmSync(work, { recursive: true, force: true });
});

function attackMail(built: DeliveryAttackCase, app: string, version: string, org: string): Promise<Buffer> {
  return buildReleaseEmail({
    from: 'marketplace@marketplace.test',
    to: ATTACKED_AGENT.mailbox,
    org,
    messageId: `<attack.${Math.random().toString(36).slice(2)}@marketplace.test>`,
    release: {
      app,
      version,
      title: 'Attack',
      summary: 'A genuine release delivered where it was not meant to go.',
      validationSummary: 'passed',
      scanSummary: 'clean',
      signerKeyId: 'release',
      bundleFileName: bundleFileName(app, version),
      bundle: built.bundle,
      envelopeJson: built.envelope,
      envelopeFileName: releaseFileName(app, version),
      ...(built.delivery ? { deliveryJson: built.delivery, deliveryFileName: `${app}-${version}.delivery.json` } : {}),
      sha256: built.sha256,
      size: built.bundle.length,
    },
  });
}

describe('delivery statements on the agent', () => {
  it.each(DELIVERY_ATTACKS.filter((attack) => attack.id !== 'release-envelope-as-delivery').map((attack) => [attack.id, attack] as const))('%s: refused with its code, logged and moved to Rejected; 1.0.0 keeps serving', async (_id, attack) => {
    const built = await attack.build(t.ctx);
    const nonces = createNonceStore(homeLayout(t.home).deliveryNonces);
    for (const nonce of built.seenNonces) await nonces.remember(nonce, new Date(Date.now() + 86_400_000).toISOString(), 'an earlier mail');
    const before = rejected();
    await t.deliver(await attackMail(built, t.ctx.app, t.ctx.nextVersion, t.ctx.org));
    expect(rejected()).toBe(before + 1);
    expect(refusals().at(-1)).toBe(built.expectedCode);
    expect(t.agent.deployedVersion(t.ctx.app)).toBe('1.0.0');
    expect(readdirSync(join(homeLayout(t.home).apps, t.ctx.app)).sort()).toEqual(['1.0.0', 'current']);
  });

  it('deploys a release delivered to its agent id, then refuses the same mail sent again after the app was removed (replay)', async () => {
    const next = await signedTinyRelease(t.signer, t.ctx.app, '1.2.0');
    const raw = await releaseMail(next, { org: t.ctx.org, to: ATTACKED_AGENT.mailbox, agentId: ATTACKED_AGENT.agentId });
    await t.deliver(raw);
    expect(t.agent.deployedVersion(t.ctx.app)).toBe('1.2.0');
    await t.agent.deployer.remove(t.ctx.app);
    const before = rejected();
    await t.deliver(raw);
    expect(rejected()).toBe(before + 1);
    expect(refusals().at(-1)).toBe('DELIVERY_REPLAYED');
    expect(t.agent.deployedVersion(t.ctx.app)).toBeUndefined();
  }, 30_000);

  it("refuses another agent's delivery, an expired one and a release without one, then deploys a genuine one", async () => {
    const release = await signedTinyRelease(t.signer, t.ctx.app, '1.3.0');
    const cases: [string, Buffer][] = [
      ['DELIVERY_WRONG_AGENT', await releaseMail(release, { org: t.ctx.org, to: ATTACKED_AGENT.mailbox, agentId: ATTACKED_AGENT.agentId, delivery: deliveryFor(release, { agentId: 'the-agent-next-door' }) })],
      ['DELIVERY_EXPIRED', await releaseMail(release, { org: t.ctx.org, to: ATTACKED_AGENT.mailbox, agentId: ATTACKED_AGENT.agentId, delivery: deliveryFor(release, { agentId: ATTACKED_AGENT.agentId, overrides: { issuedAt: new Date(Date.now() - 7_200_000).toISOString(), expiresAt: new Date(Date.now() - 60_000).toISOString() } }) })],
      ['DELIVERY_MISSING', await releaseMail(release, { org: t.ctx.org, to: ATTACKED_AGENT.mailbox, agentId: ATTACKED_AGENT.agentId, delivery: false })],
    ];
    for (const [code, raw] of cases) {
      await t.deliver(raw);
      expect(refusals().at(-1)).toBe(code);
      expect(t.agent.deployedVersion(t.ctx.app)).toBeUndefined();
    }
    await t.deliver(await releaseMail(release, { org: t.ctx.org, to: ATTACKED_AGENT.mailbox, agentId: ATTACKED_AGENT.agentId }));
    expect(t.agent.deployedVersion(t.ctx.app)).toBe('1.3.0');
  }, 30_000);

  it('installs the running version afresh only when its signed delivery asks for a reinstall (Redeploy), once', async () => {
    const release = await signedTinyRelease(t.signer, t.ctx.app, '1.4.0');
    await t.deliver(await releaseMail(release, { org: t.ctx.org, to: ATTACKED_AGENT.mailbox, agentId: ATTACKED_AGENT.agentId }));
    const running = () => t.agent.deployer.apps().find((app) => app.name === t.ctx.app)!;
    const first = { ...running() };
    expect(first).toMatchObject({ current: '1.4.0', state: 'healthy' });
    // the same version with an ordinary delivery: refused, the running copy untouched
    await t.deliver(await releaseMail(release, { org: t.ctx.org, to: ATTACKED_AGENT.mailbox, agentId: ATTACKED_AGENT.agentId }));
    expect(refusals().at(-1)).toBe('VERSION_NOT_NEWER');
    expect(running().pid).toBe(first.pid);
    // sent again on purpose: a new process of the same version, which answers; no earlier version appears
    const again = await releaseMail(release, { org: t.ctx.org, to: ATTACKED_AGENT.mailbox, agentId: ATTACKED_AGENT.agentId, delivery: deliveryFor(release, { agentId: ATTACKED_AGENT.agentId, overrides: { reinstall: true } }) });
    await t.deliver(again);
    expect(running()).toMatchObject({ current: '1.4.0', state: 'healthy', previous: first.previous });
    expect(running().pid).not.toBe(first.pid);
    expect(await (await fetch(`http://127.0.0.1:${running().port}/`)).json()).toMatchObject({ version: '1.4.0' });
    expect(readdirSync(join(homeLayout(t.home).apps, t.ctx.app)).filter((entry) => entry.startsWith('1.4.0'))).toEqual(['1.4.0']);
    // the same mail once more is a copy
    const pid = running().pid;
    await t.deliver(again);
    expect(refusals().at(-1)).toBe('DELIVERY_REPLAYED');
    expect(running().pid).toBe(pid);
    // an older version is refused even when its delivery asks for a reinstall
    const older = await signedTinyRelease(t.signer, t.ctx.app, '1.3.5');
    await t.deliver(await releaseMail(older, { org: t.ctx.org, to: ATTACKED_AGENT.mailbox, agentId: ATTACKED_AGENT.agentId, delivery: deliveryFor(older, { agentId: ATTACKED_AGENT.agentId, overrides: { reinstall: true } }) }));
    expect(refusals().at(-1)).toBe('VERSION_NOT_NEWER');
    expect(running()).toMatchObject({ current: '1.4.0', pid });
  }, 60_000);

  it('puts the copy installed before back when the version installed again does not become healthy, and reports that version healthy, not rolled back', async () => {
    const running = () => t.agent.deployer.apps().find((app) => app.name === t.ctx.app)!;
    expect(running()).toMatchObject({ current: '1.4.0', state: 'healthy' });
    const before = queuedReports().length;
    const broken = await signedTinyRelease(t.signer, t.ctx.app, '1.4.0', { broken: true, healthTimeoutSeconds: 2 });
    await t.deliver(await releaseMail(broken, { org: t.ctx.org, to: ATTACKED_AGENT.mailbox, agentId: ATTACKED_AGENT.agentId, delivery: deliveryFor(broken, { agentId: ATTACKED_AGENT.agentId, overrides: { reinstall: true } }) }));
    // the copy installed before answers its health path again (the broken one answers 500)
    expect(running()).toMatchObject({ current: '1.4.0', state: 'healthy' });
    expect((await fetch(`http://127.0.0.1:${running().port}/healthz`)).status).toBe(200);
    expect(readdirSync(join(homeLayout(t.home).apps, t.ctx.app)).filter((entry) => entry.startsWith('1.4.0'))).toEqual(['1.4.0']);
    const sent = queuedReports().slice(before);
    expect(sent.map((report) => report.state).sort()).toEqual(['deploying', 'healthy', 'received']);
    expect(sent.at(-1)).toMatchObject({
      app: t.ctx.app,
      version: '1.4.0',
      state: 'healthy',
      reason: {
        code: 'REINSTALL_FAILED',
        message: `${t.ctx.app} 1.4.0 installed again did not become healthy: not healthy within 2 s (last: GET /healthz answered 500). The copy installed before keeps serving.`,
        notices: [{ code: 'deployment.reinstallHealthFailed', params: { app: t.ctx.app, version: '1.4.0' } }, { code: 'health.timedOut', params: { seconds: 2, last: 'GET /healthz answered 500' } }, { code: 'deployment.previousCopyServes' }],
      },
      health: { ok: true, url: `http://127.0.0.1:${running().port}/` },
      logTail: expect.stringContaining('broken on purpose'),
    });
  }, 60_000);

  it('puts the copy set aside back after a crash half-way through a reinstall, and tells the server that copy serves', async () => {
    const running = () => t.agent.deployer.apps().find((app) => app.name === t.ctx.app)!;
    // stopped half-way through a reinstall (its copy set aside, the new one half unpacked): the copy comes back
    const appDir = join(homeLayout(t.home).apps, t.ctx.app);
    await t.restart(async () => {
      renameSync(join(appDir, '1.4.0'), join(appDir, '1.4.0.reinstall'));
      mkdirSync(join(appDir, '1.4.0'));
      writeFileSync(join(appDir, '1.4.0', 'half-unpacked'), '');
    });
    expect(readdirSync(appDir).filter((entry) => entry.startsWith('1.4.0'))).toEqual(['1.4.0']);
    expect(existsSync(join(appDir, '1.4.0', 'app.json'))).toBe(true);
    expect(running()).toMatchObject({ current: '1.4.0', state: 'healthy' });
    // the server, told 1.4.0 was deploying, hears that the copy installed before serves it again
    expect(queuedReports().filter((report) => report.version === '1.4.0').at(-1)).toMatchObject({
      state: 'healthy',
      reason: { code: 'REINSTALL_FAILED', message: expect.stringContaining('installed again was interrupted'), notices: [{ code: 'deployment.reinstallInterrupted' }, { code: 'deployment.previousCopyServes' }] },
      health: { ok: true, url: `http://127.0.0.1:${running().port}/` },
    });
  }, 60_000);
});
