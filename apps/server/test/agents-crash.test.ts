import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxDirectory, startMailHub, type MailHub } from '@marketplace/mail/hub';
import { loadState, homeLayout } from '../../agent/src/index.js';
import { releaseMail, sendMail, signedTinyRelease } from '../../agent/test/release-fixtures.js';
import type { Db } from '../src/db/schema.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

/**
 * The agent as the real CLI process (`marketplace-agent`), killed with SIGKILL in the middle of a
 * deployment and started again: the old version serves or the new one completes, nothing
 * half-unpacked is ever used, and the release mail is handled exactly once.
 */
const BIN = join(import.meta.dirname, '../../agent/bin/marketplace-agent.js');
let t: TestApp;
let hub: MailHub;
let admin: Account;
let work: string;
let home: string;
let mailDir: string;
let mailbox: string;
let agentId: string;
let serverUrl: string;
const children: ChildProcess[] = [];

/** Async, so the server in this process keeps answering while the CLI runs. */
function agentCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function runAgent(): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [BIN, 'run', '--home', home, '--maildir', mailDir, '--health-timeout', '15'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  return { child, output: () => text };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'agent-crash-'));
  t = await createTestApp({ env: { ROOT_KEY_PASSPHRASE: 'a test root key passphrase' } });
  serverUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  hub = await startMailHub({ dataDir: join(work, 'hub'), port: 0, fsync: false });
  admin = await register(t.app, { organization: 'Crash Org' });
  home = join(work, 'home');
}, 60_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  const state = existsSync(home) ? await loadState(homeLayout(home)) : { apps: {} };
  for (const app of Object.values(state.apps)) {
    if (app.pid) {
      try {
        process.kill(-app.pid, 'SIGKILL');
      } catch {}
    }
  }
  await hub?.close();
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

async function deliver(version: string, options: Parameters<typeof signedTinyRelease>[3] = {}) {
  const release = await signedTinyRelease(await t.app.orgKeys.signingKey(admin.orgId), 'crash-app', version, options);
  await sendMail(hub, await releaseMail(release, { org: admin.orgId, to: mailbox, agentId }), 'marketplace@marketplace.test', mailbox);
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const answerVersion = async (port: number) => ((await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { version: string }).version;

describe('marketplace-agent CLI', () => {
  it('refuses a wrong enrolment code with a clear message and stores nothing', async () => {
    const result = await agentCli(['enroll', '--server', serverUrl, '--code', 'WRNG-CODE-0000', '--home', home]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/enrolment code is not known.*Ask for a new code/);
    expect(existsSync(home)).toBe(false);
  });

  it('enrols and prints the root fingerprint the server shows', async () => {
    const { code } = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
    const result = await agentCli(['enroll', '--server', serverUrl, '--code', code, '--home', home]);
    expect(result.status, result.stderr).toBe(0);
    const keys = (await call(t.app, admin, { method: 'GET', url: '/api/v1/keys' })).json();
    expect(result.stdout).toContain(keys.rootFingerprint);
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    expect(spawnSync('stat', ['-c', '%a', join(home, 'config.json')], { encoding: 'utf8' }).stdout.trim()).toBe('600');
    mailbox = config.mailbox;
    agentId = config.agentId;
    mailDir = mailboxDirectory(join(work, 'hub'), mailbox);
  });

  it('survives kill -9 in the middle of an upgrade: v1 (stopped for it, its data snapshotted) keeps its place, v2 completes after the restart, the mail is handled once', async () => {
    await deliver('1.0.0');
    const once = await agentCli(['run', '--once', '--home', home, '--maildir', mailDir]);
    expect(once.status, once.stderr).toBe(0);
    expect(once.stdout).toContain('handled 1 release mail;');
    let state = await loadState(homeLayout(home));
    const v1Port = state.apps['crash-app']!.port!;
    expect(await answerVersion(v1Port)).toBe('1.0.0'); // apps outlive `run --once`

    // v2 takes 3 s to start listening: kill the agent while it waits for v2's health
    await deliver('2.0.0', { startDelayMs: 3000 });
    const first = runAgent();
    await until('v2 started, not yet healthy', async () => !!(await loadState(homeLayout(home))).starting?.['crash-app']);
    first.child.kill('SIGKILL');
    await until('agent dead', () => first.child.exitCode !== null || first.child.signalCode !== null);
    // v1 was stopped before v2 started (two versions never share the data), and its data snapshotted
    await expect(answerVersion(v1Port)).rejects.toThrow();
    expect(existsSync(join(homeLayout(home).snapshots, 'crash-app', '1.0.0'))).toBe(true);
    state = await loadState(homeLayout(home));
    expect(state.apps['crash-app']!.current).toBe('1.0.0');
    expect(readdirSync(join(home, 'state', 'journal'))).toHaveLength(1);
    // the half-started v2 process outlived the agent; the next start must stop it
    const orphan = state.starting?.['crash-app']?.pid;
    expect(orphan && isAlive(orphan)).toBe(true);

    const second = runAgent();
    await until('v2 healthy', async () => (await loadState(homeLayout(home))).apps['crash-app']?.current === '2.0.0', 40_000);
    state = await loadState(homeLayout(home));
    expect(await answerVersion(state.apps['crash-app']!.port!)).toBe('2.0.0');
    await until('journal empty', () => readdirSync(join(home, 'state', 'journal')).length === 0);
    expect(isAlive(orphan!)).toBe(false);
    second.child.kill('SIGTERM');
    await until('agent stopped', () => second.child.exitCode !== null || second.child.signalCode !== null);

    // exactly once: both releases in Processed, the inbox empty, no stray directories
    expect(readdirSync(join(mailDir, '.Marketplace.Processed', 'cur'))).toHaveLength(2);
    expect(readdirSync(join(mailDir, 'new')).length + readdirSync(join(mailDir, 'cur')).length).toBe(0);
    expect(readdirSync(join(home, 'apps', 'crash-app')).sort()).toEqual(['1.0.0', '2.0.0', 'current']);
    const items = (await call(t.app, admin, { method: 'GET', url: '/api/v1/deployments?app=crash-app' })).json().items;
    expect(items.map((d: any) => `${d.version} ${d.state}`).sort()).toEqual(['1.0.0 healthy', '2.0.0 healthy']);

    const list = await agentCli(['list', '--home', home]);
    expect(list.stdout).toMatch(/crash-app\s+2\.0\.0\s+healthy/);
  }, 120_000);

  it('rolls back and removes by command, and reports both', async () => {
    const rollback = await agentCli(['rollback', 'crash-app', '--home', home]);
    expect(rollback.status, rollback.stderr).toBe(0);
    let state = await loadState(homeLayout(home));
    expect(state.apps['crash-app']!.current).toBe('1.0.0');
    expect(await answerVersion(state.apps['crash-app']!.port!)).toBe('1.0.0');
    const logs = await agentCli(['logs', 'crash-app', '--home', home]);
    expect(logs.stdout).toContain('listening on');
    const removed = await agentCli(['remove', 'crash-app', '--home', home]);
    expect(removed.status, removed.stderr).toBe(0);
    state = await loadState(homeLayout(home));
    expect(state.apps['crash-app']!.state).toBe('removed');
    expect(existsSync(join(home, 'apps', 'crash-app'))).toBe(false);
    const states = (await call(t.app, admin, { method: 'GET', url: '/api/v1/deployments?app=crash-app' })).json().items.map((d: any) => `${d.version} ${d.state}`).sort();
    expect(states).toEqual(['1.0.0 removed', '2.0.0 rolled-back']);
  }, 60_000);

  it('doctor checks the mailbox, the server, the runtime and the clock, changing nothing on the server', async () => {
    // the running agent's view as the server holds it: a healthy app, its version, a command waiting for it
    const db = t.database.db as Db;
    await db.updateTable('deployments').set({ state: 'healthy' }).where('agent_id', '=', agentId).where('version', '=', '1.0.0').execute();
    const healthy = (await call(t.app, admin, { method: 'GET', url: '/api/v1/deployments?app=crash-app' })).json().items.find((d: any) => d.version === '1.0.0');
    const asked = await call(t.app, admin, { method: 'POST', url: `/api/v1/deployments/${healthy.id}/logs` });
    expect(asked.statusCode, asked.body).toBe(202);
    const seenBefore = (await call(t.app, admin, { method: 'GET', url: `/api/v1/agents/${agentId}` })).json();
    const result = await agentCli(['doctor', '--home', home, '--maildir', mailDir]);
    const after = (await call(t.app, admin, { method: 'GET', url: '/api/v1/deployments?app=crash-app' })).json().items.find((d: any) => d.version === '1.0.0');
    expect(after.state).toBe('healthy');
    expect((await db.selectFrom('agent_commands').select('state').where('id', '=', asked.json().command.id).executeTakeFirstOrThrow()).state).toBe('queued');
    expect((await call(t.app, admin, { method: 'GET', url: `/api/v1/agents/${agentId}` })).json().version).toBe(seenBefore.version);
    expect(result.stdout).toMatch(/ok\s+mailbox/);
    expect(result.stdout).toMatch(/ok\s+server/);
    expect(result.stdout).toMatch(/ok\s+clock/);
    expect(result.stdout).toMatch(/ok\s+runtime process/);
    const unreachable = await agentCli(['doctor', '--home', join(work, 'nowhere')]);
    expect(unreachable.status).toBe(1);
    expect(unreachable.stdout).toContain('fix: marketplace-agent enroll');
  }, 60_000);
});
