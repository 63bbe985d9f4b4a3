import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMaildir } from '@marketplace/mail';
import { mailboxDirectory, startMailHub, type MailHub } from '@marketplace/mail/hub';
import { enroll, probeHealth, startAgent, type RunningAgent } from '../../agent/src/index.js';
import { releaseMail, sendMail, signedTinyRelease } from '../../agent/test/release-fixtures.js';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';

/**
 * The Rollback and Remove buttons end to end: a real agent, enrolled against a listening server and
 * fed by the embedded mail hub, runs two versions; the server queues a command, the agent's own
 * command poll picks it up, runs it, reports and closes it.
 */
let t: TestApp;
let hub: MailHub;
let admin: Account;
let owner: Account;
let agent: RunningAgent;
let home: string;
let work: string;

const APP = 'hello-commands';
const deployments = async () => (await call(t.app, owner, { method: 'GET', url: `/api/v1/deployments?app=${APP}` })).json().items as any[];
const row = async (version: string) => (await deployments()).find((d) => d.version === version);
const running = () => agent.deployer.apps().find((app) => app.name === APP);
const answer = async () => (await (await fetch(`http://127.0.0.1:${running()!.port}/`)).json()) as { version: string };

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function deliver(version: string) {
  const release = await signedTinyRelease(await t.app.orgKeys.signingKey(admin.orgId), APP, version);
  await sendMail(hub, await releaseMail(release, { org: admin.orgId, to: agent.config.mailbox, agentId: agent.config.agentId }), 'marketplace@marketplace.test', agent.config.mailbox);
  await agent.processOnce();
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'commands-e2e-'));
  t = await createTestApp({ env: { ROOT_KEY_PASSPHRASE: 'a test root key passphrase' } });
  const serverUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  hub = await startMailHub({ dataDir: join(work, 'hub'), port: 0, fsync: false });
  admin = await register(t.app, { organization: 'Commands E2E Org' });
  owner = await addUser(t.app, admin, ['member']);
  const { code } = (await call(t.app, owner, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  home = join(work, 'agent-home');
  const config = await enroll({ server: serverUrl, code, home });
  const mailbox = await openMaildir(mailboxDirectory(join(work, 'hub'), config.mailbox), { fsWatch: false });
  agent = await startAgent({ home, mailbox, maxHealthTimeoutMs: 8000, commandIntervalMs: 200, heartbeatIntervalMs: 3_600_000, log: () => {} });
  agent.watch();
});

afterAll(async () => {
  await agent?.stop({ stopApps: true });
  await hub?.close();
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('rollback and remove asked for in the marketplace, run by a real agent', () => {
  it('rolls back to the earlier version: the agent serves it again and the server shows rolled-back and the command done', async () => {
    await deliver('1.0.0');
    await deliver('2.0.0');
    expect((await answer()).version).toBe('2.0.0');
    const v2 = await row('2.0.0');
    expect(v2).toMatchObject({ state: 'healthy', agentName: expect.any(String), pendingCommand: null });

    const asked = await call(t.app, owner, { method: 'POST', url: `/api/v1/deployments/${v2.id}/rollback` });
    expect(asked.statusCode).toBe(202);
    const { command } = asked.json();

    const detail = await until('the rollback to be done', async () => {
      const d = (await call(t.app, owner, { method: 'GET', url: `/api/v1/deployments/${v2.id}` })).json();
      return d.commands.at(-1)?.state === 'done' && d;
    });
    expect(detail).toMatchObject({ state: 'rolled-back', pendingCommand: null, reason: { code: 'SERVER_ROLLBACK', message: expect.stringContaining('1.0.0') }, commands: [{ id: command.id, type: 'rollback', state: 'done' }] });
    expect(agent.deployedVersion(APP)).toBe('1.0.0');
    expect((await answer()).version).toBe('1.0.0');
    expect(await row('1.0.0')).toMatchObject({ state: 'healthy', health: { ok: true } });
    expect(readdirSync(join(home, 'apps', APP)).sort()).toEqual(['1.0.0', 'current']);

    // nothing older than 1.0.0 ran there: the server says so before asking the agent
    const again = await call(t.app, owner, { method: 'POST', url: `/api/v1/deployments/${(await row('1.0.0')).id}/rollback` });
    expect(again.json().code).toBe('NO_EARLIER_VERSION');
  });

  it('sends the latest log lines of the running app when asked, and only that app’s', async () => {
    const v1 = await row('1.0.0');
    const asked = await call(t.app, owner, { method: 'POST', url: `/api/v1/deployments/${v1.id}/logs` });
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toMatchObject({ command: { type: 'logs', state: 'queued' }, agentOnline: true });
    const detail = await until('the log lines', async () => {
      const d = (await call(t.app, owner, { method: 'GET', url: `/api/v1/deployments/${v1.id}` })).json();
      return d.logsRequest?.state === 'done' && d;
    });
    // the tiny app prints where it listens: that line, from this app's own log
    expect(detail.logTail).toContain(`listening on ${running()!.port}`);
    expect(detail.logTailAt).toEqual(expect.any(String));
    expect(detail.state).toBe('healthy');
  });

  it('removes the app: its process stops, its files go, and the deployment shows removed', async () => {
    const v1 = await row('1.0.0');
    const { pid, port } = running()!;
    const asked = await call(t.app, owner, { method: 'DELETE', url: `/api/v1/deployments/${v1.id}` });
    expect(asked.statusCode).toBe(202);
    expect(asked.json().command).toMatchObject({ type: 'remove', state: 'queued', deploymentId: v1.id });

    await until('the removal to be done', async () => (await call(t.app, owner, { method: 'GET', url: `/api/v1/deployments/${v1.id}` })).json().commands.at(-1)?.state === 'done');
    expect(await row('1.0.0')).toMatchObject({ state: 'removed', pendingCommand: null });
    expect(agent.deployedVersion(APP)).toBeUndefined();
    expect((await probeHealth(port!, '/healthz', 500)).ok).toBe(false);
    expect(() => process.kill(pid!, 0)).toThrow();
    expect(readdirSync(join(home, 'apps'))).not.toContain(APP);
    const repeat = await call(t.app, owner, { method: 'DELETE', url: `/api/v1/deployments/${v1.id}` });
    expect(repeat.statusCode).toBe(409);
    expect(repeat.json().code).toBe('DEPLOYMENT_REMOVED');
  });
});
