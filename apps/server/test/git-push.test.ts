import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobQueue } from '@marketplace/db';
import type { Db } from '../src/db/schema.js';
import { gitExportJob } from '../src/modules/git-export/git-export-job.js';
import { GIT_PUSH_JOB, gitPushJob } from '../src/modules/git-export/git-push-job.js';
import { saveIntegrations } from '../src/modules/git-export/git-integrations.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { publishVersion, type ExportedApp } from './git-export-fixtures.js';
import { startGitRemoteServer, type GitRemoteServer } from './git-remote-server.js';
import { requireBinary } from './system-binary.js';

const run = promisify(execFile);
const hasGit = !!requireBinary('git', 'git') && !!requireBinary('ssh-keygen', 'openssh-client');
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };
const git = (args: string[], cwd?: string) => run('git', args, { cwd, env: gitEnv });

const PASSWORD = 'push-token-8c1f0e2a7d';
const WRONG = 'wrong-token-55aa13b9';
const basic = (password: string) => Buffer.from(`pusher:${password}`).toString('base64');

let t: TestApp;
let work: string;
let remote: GitRemoteServer;
let admin: Account;
let app: ExportedApp;
const logLines: string[] = [];
const db = () => t.database.db as Db;
const context = { attempt: 1, jobId: 'test', logger: pino({ level: 'silent' }) };
const pushJob = () => gitPushJob({ db: db(), config: t.app.config, logger: pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) }) });
const setRemote = (token: string, urlTemplate = `${remote.url}/{app}.git`) =>
  call(t.app, admin, { method: 'PUT', url: '/api/v1/git/integrations', payload: { remote: { urlTemplate, auth: 'https-token', username: 'pusher', token } } });
const remoteRepo = () => join(work, 'remote', `${app.name}.git`);

describe.skipIf(!hasGit)('Git export push to a remote served by git http-backend', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'git-push-test-'));
    await git(['init', '--quiet', '--bare', '--initial-branch=main', join(work, 'remote', 'laptops.git')]);
    remote = await startGitRemoteServer({ root: join(work, 'remote'), username: 'pusher', password: PASSWORD });
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
    t = await createTestApp({ env: { DATA_DIR: join(work, 'data'), GIT_PUSH_ALLOW_PRIVATE_TARGETS: 'true' }, logger });
    admin = await register(t.app, { organization: 'Org A' });
    app = { id: randomUUID(), orgId: admin.orgId, authorId: admin.userId, name: 'laptops', title: 'Laptops' };
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await remote?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('refuses a remote on a loopback address unless private targets are allowed, and a remote without {app}', async () => {
    const strict = { db: db(), config: { ...t.app.config, gitPush: { ...t.app.config.gitPush, allowPrivateTargets: false } } };
    await expect(saveIntegrations(strict, admin.orgId, null, { remote: { urlTemplate: 'https://127.0.0.1/{app}.git', auth: 'https-token', username: 'u', token: 'x' } })).rejects.toMatchObject({ code: 'GIT_PUSH_TARGET_REFUSED' });
    await expect(saveIntegrations(strict, admin.orgId, null, { remote: { urlTemplate: 'https://169.254.169.254/{app}.git', auth: 'https-token', username: 'u', token: 'x' } })).rejects.toMatchObject({ code: 'GIT_PUSH_TARGET_REFUSED' });
    await expect(saveIntegrations(strict, admin.orgId, null, { remote: { urlTemplate: 'http://git.example.com/{app}.git', auth: 'https-token', username: 'u', token: 'x' } })).rejects.toMatchObject({ code: 'GIT_REMOTE_INVALID' });
    const noApp = await call(t.app, admin, { method: 'PUT', url: '/api/v1/git/integrations', payload: { remote: { urlTemplate: 'https://git.example.com/tools/laptops.git', auth: 'https-token', username: 'u', token: 'x' } } });
    expect(noApp.statusCode).toBe(422);
    expect(noApp.json().detail).toContain('{app}');
    const ssh = await call(t.app, admin, { method: 'PUT', url: '/api/v1/git/integrations', payload: { remote: { urlTemplate: 'ssh://git@git.example.com/tools/{app}.git', auth: 'ssh-key', privateKey: 'not a key' } } });
    expect(ssh.statusCode).toBe(422);
  });

  it('pushes both published versions with their signed tags after the export job, with the token only in the Authorization header', async () => {
    const saved = await setRemote(PASSWORD);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().remote).toMatchObject({ urlTemplate: `${remote.url}/{app}.git`, username: 'pusher', hasSecret: true });
    expect(saved.body).not.toContain(PASSWORD);
    const stored = await db().selectFrom('git_export_settings').selectAll().where('org_id', '=', admin.orgId).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(PASSWORD);

    await publishVersion(db(), app, '1.0.0', { 'server.js': 'console.log("v1");\n' }, 'First version.');
    await publishVersion(db(), app, '1.1.0', { 'server.js': 'console.log("v2");\n', 'notes.md': 'Notes\n' }, 'Added notes.');
    const sent: { name: string; data: unknown }[] = [];
    const queue = { send: async (name: string, data: unknown) => (sent.push({ name, data }), randomUUID()) } as unknown as JobQueue;
    const exported = await gitExportJob({ db: db(), config: t.app.config, keys: t.app.orgKeys, logger: pino({ level: 'silent' }), queue }).handler({ orgId: admin.orgId, appId: app.id }, context as never);
    expect(exported).toEqual({ added: ['1.0.0', '1.1.0'], pushQueued: true });
    expect(sent).toEqual([{ name: GIT_PUSH_JOB, data: { orgId: admin.orgId, appId: app.id } }]);

    const pushed = (await pushJob().handler({ orgId: admin.orgId, appId: app.id }, context as never)) as { state: string; updated: string[] };
    expect(pushed.state).toBe('pushed');
    expect(pushed.updated.sort()).toEqual(['refs/heads/main', 'refs/tags/v1.0.0', 'refs/tags/v1.1.0']);
    expect(remote.authorizations).toContain(`Basic ${basic(PASSWORD)}`);

    const clone = join(work, 'clone');
    await git(['clone', '--quiet', remoteRepo(), clone]);
    expect((await git(['log', '--format=%s', 'main'], clone)).stdout.trim().split('\n')).toEqual(['Laptops 1.1.0', 'Laptops 1.0.0']);
    expect((await git(['log', '-1', '--format=%B'], clone)).stdout).toContain('Added notes.');
    const signers = await call(t.app, admin, { method: 'GET', url: '/api/v1/git/allowed-signers' });
    await writeFile(join(work, 'allowed_signers'), signers.body);
    for (const tag of ['v1.0.0', 'v1.1.0']) {
      const verified = await git(['-c', `gpg.ssh.allowedSignersFile=${join(work, 'allowed_signers')}`, 'tag', '-v', tag], clone);
      expect(verified.stderr).toContain('Good "git" signature');
    }
    const info = (await call(t.app, admin, { method: 'GET', url: `/api/v1/apps/${app.id}/git` })).json();
    expect(info.push).toMatchObject({ remoteUrl: `${remote.url}/laptops.git`, lastPushedVersion: '1.1.0', error: null });
    // Pushing again finds the remote up to date.
    expect(((await pushJob().handler({ orgId: admin.orgId, appId: app.id }, context as never)) as { updated: string[] }).updated).toEqual([]);
  }, 180_000);

  it('reports refused credentials on the app without retrying, keeping the token of the saved settings when only the URL changes', async () => {
    expect((await setRemote(WRONG)).statusCode).toBe(200);
    const outcome = await call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${app.id}/git-push` });
    expect(outcome.statusCode, outcome.body).toBe(200);
    expect(outcome.json()).toMatchObject({ state: 'failed', code: 'GIT_PUSH_AUTH_FAILED', push: { errorCode: 'GIT_PUSH_AUTH_FAILED', lastPushedVersion: '1.1.0' } });
    expect(outcome.json().message).toMatch(/refused the credentials/);
    expect(remote.authorizations).toContain(`Basic ${basic(WRONG)}`);
    // Not a failure that heals by waiting: the job records it and ends (no retry).
    expect(await pushJob().handler({ orgId: admin.orgId, appId: app.id }, context as never)).toMatchObject({ state: 'failed', code: 'GIT_PUSH_AUTH_FAILED', retryable: false });
    const admins = (await call(t.app, admin, { method: 'GET', url: '/api/v1/git/pushes' })).json().items;
    expect(admins).toEqual([expect.objectContaining({ appName: 'laptops', errorCode: 'GIT_PUSH_AUTH_FAILED' })]);
    expect((await setRemote(PASSWORD)).statusCode).toBe(200);
    const keep = await call(t.app, admin, { method: 'PUT', url: '/api/v1/git/integrations', payload: { remote: { urlTemplate: `${remote.url}/{app}.git`, auth: 'https-token', username: 'pusher' } } });
    expect(keep.json().remote.hasSecret).toBe(true);
    expect((await call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${app.id}/git-push` })).json()).toMatchObject({ state: 'pushed', push: { error: null } });
  }, 120_000);

  it('leaves a remote with foreign history alone and says the push was rejected, never forcing', async () => {
    const other = join(work, 'other');
    await git(['clone', '--quiet', remoteRepo(), other]);
    await writeFile(join(other, 'hand-edit.txt'), 'edited on the remote side\n');
    await git(['add', 'hand-edit.txt'], other);
    await git(['-c', 'user.name=Someone', '-c', 'user.email=someone@example.test', 'commit', '--quiet', '-m', 'Edited by hand'], other);
    await git(['push', '--quiet', 'origin', 'main'], other);
    const foreignHead = (await git(['rev-parse', 'main'], remoteRepo())).stdout.trim();

    await publishVersion(db(), app, '1.2.0', { 'server.js': 'console.log("v3");\n' }, 'Third.');
    await call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${app.id}/git-export` });
    const outcome = (await call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${app.id}/git-push` })).json();
    expect(outcome).toMatchObject({ state: 'failed', code: 'GIT_PUSH_REJECTED' });
    expect(outcome.message).toMatch(/main .*never force-pushed/);
    expect((await git(['rev-parse', 'main'], remoteRepo())).stdout.trim()).toBe(foreignHead);
    expect(await pushJob().handler({ orgId: admin.orgId, appId: app.id }, context as never)).toMatchObject({ code: 'GIT_PUSH_REJECTED', retryable: false });
  }, 120_000);

  it('hands a failure that may heal back to the queue for a retry', async () => {
    await setRemote(PASSWORD, 'http://127.0.0.1:1/{app}.git');
    await expect(pushJob().handler({ orgId: admin.orgId, appId: app.id }, context as never)).rejects.toMatchObject({ code: 'GIT_PUSH_FAILED' });
    expect((await call(t.app, admin, { method: 'GET', url: `/api/v1/apps/${app.id}/git` })).json().push).toMatchObject({ errorCode: 'GIT_PUSH_FAILED', remoteUrl: 'http://127.0.0.1:1/laptops.git' });
  }, 60_000);

  it('runs ssh with the deploy key from a private file that is gone afterwards, and ssh reaches the host', async () => {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'deploy_key')]);
    const privateKey = await readFile(join(work, 'deploy_key'), 'utf8');
    const knownHosts = `[127.0.0.1]:1 ${(await readFile(join(work, 'deploy_key.pub'), 'utf8')).split(' ').slice(0, 2).join(' ')}\n`;
    const saved = await call(t.app, admin, { method: 'PUT', url: '/api/v1/git/integrations', payload: { remote: { urlTemplate: 'ssh://git@127.0.0.1:1/tools/{app}.git', auth: 'ssh-key', privateKey, knownHosts } } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().remote).toMatchObject({ auth: 'ssh-key', hasSecret: true, username: null });
    const before = (await readdir(tmpdir())).filter((name) => name.startsWith('marketplace-git-push-'));
    const outcome = (await call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${app.id}/git-push` })).json();
    // Nothing listens on port 1: ssh itself ran with our options and failed to connect (a quoting mistake would fail differently).
    expect(outcome).toMatchObject({ state: 'failed', code: 'GIT_PUSH_FAILED' });
    expect(outcome.message).toMatch(/port 1: Connection refused/);
    expect((await readdir(tmpdir())).filter((name) => name.startsWith('marketplace-git-push-'))).toEqual(before);
    const stored = await db().selectFrom('git_export_settings').select('remote_secret_sealed').where('org_id', '=', admin.orgId).executeTakeFirstOrThrow();
    expect(stored.remote_secret_sealed).not.toContain('PRIVATE KEY');
  }, 60_000);

  it('never writes a credential to the log', () => {
    const log = logLines.join('\n');
    expect(log).toContain('Git export pushed');
    expect(log).toContain('Git export push failed');
    for (const secret of [PASSWORD, WRONG, basic(PASSWORD), basic(WRONG)]) expect(log).not.toContain(secret);
  });
});
