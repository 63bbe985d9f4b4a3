import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMaildir } from '@marketplace/mail';
import { mailboxDirectory, startMailHub, type MailHub } from '@marketplace/mail/hub';
import { enroll, homeLayout, probeHealth, saveConfig, startAgent, type RunningAgent } from '../../agent/src/index.js';
import { releaseMail, sendMail, signedTinyRelease } from '../../agent/test/release-fixtures.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

/**
 * Bad conditions on the workstation: the agent's home on a nearly full file system (a real tmpfs),
 * and the server going away while reports are due.
 */
const canMount = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v mount'], { encoding: 'utf8' }).status === 0;
if (!canMount) console.warn('agents-bad-input: the full-disk case needs root to mount a tmpfs; it is skipped');

let t: TestApp;
let hub: MailHub;
let admin: Account;
let work: string;
let tmpfs: string | null = null;
const agents: RunningAgent[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'agent-bad-'));
  t = await createTestApp({ env: { ROOT_KEY_PASSPHRASE: 'a test root key passphrase' } });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  hub = await startMailHub({ dataDir: join(work, 'hub'), port: 0, fsync: false });
  admin = await register(t.app, { organization: 'Bad Input Org' });
}, 60_000);

afterAll(async () => {
  for (const agent of agents) await agent.stop({ stopApps: true });
  if (tmpfs) spawnSync('umount', ['-l', tmpfs]);
  await hub?.close();
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

async function enrolled(home: string) {
  const { code } = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  const address = t.app.server.address() as { port: number };
  // enroll() also answers where the embedded hub keeps this agent's mail (for the printed run line); the config is the rest.
  const { hubMaildir: _hubMaildir, ...config } = await enroll({ server: `http://127.0.0.1:${address.port}`, code, home });
  const mailDir = mailboxDirectory(join(work, 'hub'), config.mailbox);
  return { config, mailDir };
}

async function deliver(agent: { mailbox: string; agentId: string }, app: string, version: string, options: Parameters<typeof signedTinyRelease>[3] = {}) {
  const to = agent.mailbox;
  const release = await signedTinyRelease(await t.app.orgKeys.signingKey(admin.orgId), app, version, options);
  await sendMail(hub, await releaseMail(release, { org: admin.orgId, to, agentId: agent.agentId }), 'marketplace@marketplace.test', to);
}

describe('agent under bad conditions', () => {
  it.runIf(canMount)('fails cleanly when the disk fills during extraction: the old version keeps serving, nothing half-unpacked stays', async () => {
    tmpfs = join(work, 'small-disk');
    mkdirSync(tmpfs);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', tmpfs], { encoding: 'utf8' });
    expect(mounted.status, mounted.stderr).toBe(0);
    const home = join(tmpfs, 'home');
    const { config, mailDir } = await enrolled(home);
    const agent = await startAgent({ home, mailbox: await openMaildir(mailDir, { fsWatch: false }), maxHealthTimeoutMs: 8000, log: () => {} });
    agents.push(agent);
    await deliver(config, 'disk-app', '1.0.0');
    await agent.processOnce();
    expect(agent.deployedVersion('disk-app')).toBe('1.0.0');

    await deliver(config, 'disk-app', '2.0.0', { padBytes: 3_500_000 });
    await agent.processOnce();
    expect(agent.deployedVersion('disk-app')).toBe('1.0.0');
    const record = agent.deployer.apps().find((app) => app.name === 'disk-app')!;
    expect((await probeHealth(record.port!, '/healthz')).ok).toBe(true);
    expect(readdirSync(join(home, 'apps', 'disk-app')).sort()).toEqual(['1.0.0', 'current']);
    expect(existsSync(join(home, 'state', 'downloads')) ? readdirSync(join(home, 'state', 'downloads')) : []).toEqual([]);
    const items = (await call(t.app, admin, { method: 'GET', url: '/api/v1/deployments?app=disk-app&state=rejected' })).json().items;
    expect(items).toMatchObject([{ version: '2.0.0', reason: { code: expect.stringMatching(/^(NO_SPACE|WRITE_FAILED)$/) } }]);
    expect(readdirSync(join(mailDir, '.Marketplace.Rejected', 'cur'))).toHaveLength(1);
  }, 60_000);

  it('queues reports on disk while the server is unreachable and sends them, in order, once it is back', async () => {
    const home = join(work, 'offline-home');
    const address = t.app.server.address() as { port: number };
    // the agent talks to the server through a port that is closed for now
    const { createServer, connect } = await import('node:net');
    const relayPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as { port: number }).port;
        probe.close(() => resolve(port));
      });
    });
    const { config, mailDir } = await enrolled(home);
    await saveConfig(homeLayout(home), { ...config, serverUrl: `http://127.0.0.1:${relayPort}` });
    const agent = await startAgent({ home, mailbox: await openMaildir(mailDir, { fsWatch: false }), maxHealthTimeoutMs: 8000, log: () => {} });
    agents.push(agent);
    await deliver(config, 'offline-app', '1.0.0');
    await agent.processOnce();
    expect(agent.deployedVersion('offline-app')).toBe('1.0.0');
    expect(await agent.server.queued()).toBe(3);
    expect((await call(t.app, admin, { method: 'GET', url: '/api/v1/deployments?app=offline-app' })).json().items).toEqual([]);

    // the server comes back on that port
    const sockets = new Set<import('node:net').Socket>();
    const relay = createServer((socket) => {
      sockets.add(socket);
      const upstream = connect(address.port, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(relayPort, '127.0.0.1', resolve));
    try {
      expect(await agent.server.flush()).toBe(3);
      const [item] = (await call(t.app, admin, { method: 'GET', url: '/api/v1/deployments?app=offline-app' })).json().items;
      expect(item).toMatchObject({ version: '1.0.0', state: 'healthy' });
      const history = (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments/${item.id}` })).json().history;
      expect(history.map((h: any) => h.state)).toEqual(['received', 'deploying', 'healthy']);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
    }
  }, 60_000);
});
