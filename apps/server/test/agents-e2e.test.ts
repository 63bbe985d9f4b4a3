import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMaildir } from '@marketplace/mail';
import { mailboxDirectory, startMailHub, type MailHub } from '@marketplace/mail/hub';
import { enroll, probeHealth, startAgent, type RunningAgent } from '../../agent/src/index.js';
import { deliveryFor, releaseMail, sendMail, signedTinyRelease } from '../../agent/test/release-fixtures.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

/**
 * The whole path on embedded defaults: the server's keys sign a real app, the release e-mail goes
 * through the real mail hub over SMTP into the agent's Maildir, the agent verifies and deploys it
 * as a local process, and the server shows the deployment healthy.
 */
let t: TestApp;
let serverUrl: string;
let hub: MailHub;
let admin: Account;
let agent: RunningAgent;
let home: string;
let mailDir: string;
let work: string;

const deployments = async (query = '') => (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments${query}` })).json().items as any[];
const appAnswer = async () => {
  const record = agent.deployer.apps().find((app) => app.name === 'hello-e2e')!;
  const response = await fetch(`http://127.0.0.1:${record.port}/`);
  return (await response.json()) as { version: string; env: string[] };
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'agent-e2e-'));
  t = await createTestApp({ env: { ROOT_KEY_PASSPHRASE: 'a test root key passphrase' } });
  serverUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  hub = await startMailHub({ dataDir: join(work, 'hub'), port: 0, fsync: false });
  admin = await register(t.app, { organization: 'E2E Org' });
  const { code } = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  home = join(work, 'agent-home');
  const config = await enroll({ server: serverUrl, code, home });
  mailDir = mailboxDirectory(join(work, 'hub'), config.mailbox);
  agent = await startAgent({ home, mailbox: await openMaildir(mailDir, { fsWatch: false }), maxHealthTimeoutMs: 8000, log: () => {} });
});

afterAll(async () => {
  await agent?.stop({ stopApps: true });
  await hub?.close();
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

async function deliver(version: string, options: Parameters<typeof signedTinyRelease>[3] = {}) {
  const release = await signedTinyRelease(await t.app.orgKeys.signingKey(admin.orgId), 'hello-e2e', version, options);
  const raw = await releaseMail(release, { org: admin.orgId, to: agent.config.mailbox, agentId: agent.config.agentId });
  await sendMail(hub, raw, 'marketplace@marketplace.test', agent.config.mailbox);
}

describe('release e-mail → agent → healthy deployment (embedded defaults)', () => {
  it('deploys a signed release delivered through the mail hub and the server shows it healthy', async () => {
    await sendMail(hub, Buffer.from('From: colleague@example.test\r\nTo: me\r\nSubject: lunch?\r\n\r\nNoon?\r\n'), 'colleague@example.test', agent.config.mailbox);
    await deliver('1.0.0');
    const counts = await agent.processOnce();
    expect(counts).toEqual({ processed: 1, ignored: 1 });

    const answer = await appAnswer();
    expect(answer.version).toBe('1.0.0');
    // restricted environment: none of the agent's own variables leak into the app
    expect(answer.env).toEqual(['APP_DATA_DIR', 'APP_NAME', 'APP_VERSION', 'HOME', 'HOST', 'LANG', 'NODE_ENV', 'PATH', 'PORT', 'TMPDIR', ...(process.env.TZ ? ['TZ'] : [])].sort());
    const record = agent.deployer.apps()[0]!;
    expect((await probeHealth(record.port!, '/healthz')).ok).toBe(true);

    expect(await deployments('?app=hello-e2e')).toMatchObject([{ app: 'hello-e2e', version: '1.0.0', state: 'healthy', agentId: agent.config.agentId }]);
    // the monitor learns where the app answers on the workstation, and it does answer there
    const [{ health }] = await deployments('?app=hello-e2e');
    expect(health.url).toBe(`http://127.0.0.1:${record.port}/`);
    expect((await fetch(new URL('healthz', health.url))).status).toBe(200);
    const detail = (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments/${(await deployments())[0].id}` })).json();
    expect(detail.history.map((h: any) => h.state)).toEqual(['received', 'deploying', 'healthy']);

    // the release went to Processed, the unrelated mail is still in the inbox, unread and unchanged
    expect(readdirSync(join(mailDir, '.Marketplace.Processed', 'cur'))).toHaveLength(1);
    const inbox = [...readdirSync(join(mailDir, 'new')).map((f) => join(mailDir, 'new', f)), ...readdirSync(join(mailDir, 'cur')).map((f) => join(mailDir, 'cur', f))];
    expect(inbox).toHaveLength(1);
    expect(readFileSync(inbox[0]!, 'utf8')).toContain('Subject: lunch?');
  });

  it('keeps v1 serving when v2 fails its health check, and reports rolled-back with the reason and log lines', async () => {
    await deliver('2.0.0', { broken: true, healthTimeoutSeconds: 2 });
    await agent.processOnce();
    expect((await appAnswer()).version).toBe('1.0.0');
    const [v2] = await deployments('?state=rolled-back');
    expect(v2).toMatchObject({ version: '2.0.0', state: 'rolled-back', reason: { code: 'HEALTH_CHECK_FAILED', message: expect.stringContaining('1.0.0 keeps serving') } });
    const detail = (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments/${v2.id}` })).json();
    expect(detail.logTail).toContain('broken on purpose');
    expect(readdirSync(join(home, 'apps', 'hello-e2e')).sort()).toEqual(['1.0.0', 'current']);
    expect(readdirSync(join(mailDir, '.Marketplace.Rejected', 'cur'))).toHaveLength(1);
  });

  it('upgrades to a healthy v3, switching the current pointer only then; the same release sent again is refused', async () => {
    await deliver('3.0.0');
    await agent.processOnce();
    expect((await appAnswer()).version).toBe('3.0.0');
    expect(readdirSync(join(home, 'apps', 'hello-e2e')).sort()).toEqual(['1.0.0', '3.0.0', 'current']);
    expect((await deployments('?state=healthy')).map((d) => d.version).sort()).toEqual(['1.0.0', '3.0.0']);

    await deliver('3.0.0');
    await agent.processOnce();
    // the copy is refused, recorded in the history, and the running version's row stays healthy
    const row = (await deployments('?app=hello-e2e')).find((d) => d.version === '3.0.0');
    expect(row).toMatchObject({ state: 'healthy' });
    const history = (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments/${row.id}` })).json().history;
    expect(history.at(-1)).toMatchObject({ state: 'rejected', reason: { code: 'VERSION_NOT_NEWER' } });
    expect((await appAnswer()).version).toBe('3.0.0');
  });

  it('fetches a bundle sent as a download link, and refuses one altered on the way', async () => {
    const { createServer } = await import('node:http');
    const v4 = await signedTinyRelease(await t.app.orgKeys.signingKey(admin.orgId), 'hello-e2e', '4.0.0');
    let served = v4.bundle;
    const files = createServer((req, res) => (req.url === '/bundles/hello-e2e-4.0.0.tgz' ? res.end(served) : res.writeHead(404).end()));
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(files.address() as { port: number }).port}/bundles/hello-e2e-4.0.0.tgz`;
    try {
      served = Buffer.concat([v4.bundle.subarray(0, -1), Buffer.from([v4.bundle.at(-1)! ^ 1])]);
      await sendMail(hub, await releaseMail(v4, { org: admin.orgId, to: agent.config.mailbox, agentId: agent.config.agentId, downloadUrl: url }), 'marketplace@marketplace.test', agent.config.mailbox);
      await agent.processOnce();
      expect((await deployments('?app=hello-e2e')).find((d) => d.version === '4.0.0')).toMatchObject({ state: 'rejected', reason: { code: 'HASH_MISMATCH' } });
      expect((await appAnswer()).version).toBe('3.0.0');

      served = v4.bundle;
      await sendMail(hub, await releaseMail(v4, { org: admin.orgId, to: agent.config.mailbox, agentId: agent.config.agentId, downloadUrl: url }), 'marketplace@marketplace.test', agent.config.mailbox);
      await agent.processOnce();
      expect((await appAnswer()).version).toBe('4.0.0');
    } finally {
      await new Promise((resolve) => files.close(resolve));
    }
  });

  it('reports an app that stops answering its health path, and its recovery, as health samples', async () => {
    const record = agent.deployer.apps().find((app) => app.name === 'hello-e2e')!;
    process.kill(-record.pid!, 'SIGSTOP');
    try {
      await agent.checkHealth();
      expect((await deployments('?app=hello-e2e')).find((d) => d.version === '4.0.0')).toMatchObject({ state: 'unhealthy', health: { ok: false } });
    } finally {
      process.kill(-record.pid!, 'SIGCONT');
    }
    await agent.checkHealth();
    expect((await deployments('?app=hello-e2e')).find((d) => d.version === '4.0.0')).toMatchObject({ state: 'healthy', health: { ok: true } });
  });

  it('keeps the running version healthy and current when it is installed again (Redeploy) and the fresh copy does not become healthy, the attempt in its history', async () => {
    const before = (await deployments('?app=hello-e2e')).find((d) => d.version === '4.0.0');
    expect(before).toMatchObject({ state: 'healthy', current: true });
    // the same version sent again on purpose, its fresh copy broken
    const broken = await signedTinyRelease(await t.app.orgKeys.signingKey(admin.orgId), 'hello-e2e', '4.0.0', { broken: true, healthTimeoutSeconds: 2 });
    const raw = await releaseMail(broken, { org: admin.orgId, to: agent.config.mailbox, agentId: agent.config.agentId, delivery: deliveryFor(broken, { agentId: agent.config.agentId, overrides: { reinstall: true } }) });
    await sendMail(hub, raw, 'marketplace@marketplace.test', agent.config.mailbox);
    await agent.processOnce();

    // the copy installed before serves again, and the server says so
    const answer = await appAnswer();
    expect(answer.version).toBe('4.0.0');
    const row = (await deployments('?app=hello-e2e')).find((d) => d.version === '4.0.0');
    expect(row).toMatchObject({ id: before.id, state: 'healthy', current: true, reason: { code: 'REINSTALL_FAILED' } });
    expect((await fetch(new URL('healthz', row.health.url))).status).toBe(200);
    expect((await deployments('?state=rolled-back')).map((d) => d.version)).not.toContain('4.0.0');
    const detail = (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments/${row.id}` })).json();
    expect(detail.history.slice(-3).map((h: any) => h.state)).toEqual(['received', 'deploying', 'healthy']);
    expect(detail.history.at(-1).reason.message).toBe('hello-e2e 4.0.0 installed again did not become healthy: not healthy within 2 s (last: GET /healthz answered 500). The copy installed before keeps serving.');
    expect(detail.logTail).toContain('broken on purpose');
  });
});
