import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { publishVersion, type ExportedApp } from './git-export-fixtures.js';
import { requireBinary } from './system-binary.js';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const hasGit = !!requireBinary('git', 'git') && !!requireBinary('ssh-keygen', 'openssh-client');
/** sshd (Debian openssh-server, installed by scripts/install-system-deps.sh without starting it): the suite runs its own on loopback. */
const sshd = ['/usr/sbin/sshd', '/usr/bin/sshd', '/usr/local/sbin/sshd'].find((path) => existsSync(path)) ?? requireBinary('sshd', 'openssh-server');

let t: TestApp;
let work: string;
let admin: Account;
let daemon: ChildProcess | undefined;
let port: number;
let hostKeyLine: string;
let deployKey: string;
const app: ExportedApp = { id: randomUUID(), orgId: '', authorId: '', name: 'laptops', title: 'Laptops' };

describe.skipIf(!sshd || !hasGit)('Git export push over SSH to a local sshd', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'git-push-ssh-test-'));
    await mkdir('/run/sshd', { recursive: true }).catch(() => {}); // privilege separation directory sshd insists on
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'host_key')]);
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'deploy_key')]);
    await writeFile(join(work, 'authorized_keys'), await readFile(join(work, 'deploy_key.pub')), { mode: 0o600 });
    deployKey = await readFile(join(work, 'deploy_key'), 'utf8');
    await run('git', ['init', '--quiet', '--bare', '--initial-branch=main', join(work, 'remote', 'laptops.git')]);
    port = await freePort();
    hostKeyLine = `[127.0.0.1]:${port} ${(await readFile(join(work, 'host_key.pub'), 'utf8')).split(' ').slice(0, 2).join(' ')}\n`;
    const config = [
      `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(work, 'host_key')}`, `AuthorizedKeysFile ${join(work, 'authorized_keys')}`, `PidFile ${join(work, 'sshd.pid')}`,
      'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes', 'PermitRootLogin prohibit-password', 'StrictModes no', 'UsePAM no', `SetEnv PATH=${process.env.PATH ?? '/usr/bin:/bin'}`,
    ].join('\n');
    await writeFile(join(work, 'sshd_config'), `${config}\n`);
    daemon = spawn(sshd!, ['-D', '-e', '-f', join(work, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let said = '';
      daemon!.stderr!.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        if (said.includes('Server listening on')) resolve();
      });
      daemon!.once('exit', (code) => reject(new Error(`sshd ended (exit ${code}) before listening: ${said}`)));
    });
    t = await createTestApp({ env: { DATA_DIR: join(work, 'data'), GIT_PUSH_ALLOW_PRIVATE_TARGETS: 'true' } });
    admin = await register(t.app, { organization: 'Org A' });
    Object.assign(app, { orgId: admin.orgId, authorId: admin.userId });
  }, 180_000);
  afterAll(async () => {
    daemon?.kill();
    await t?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const saveRemote = (knownHosts: string) =>
    call(t.app, admin, { method: 'PUT', url: '/api/v1/git/integrations', payload: { remote: { urlTemplate: `ssh://${userInfo().username}@127.0.0.1:${port}${join(work, 'remote')}/{app}.git`, auth: 'ssh-key', privateKey: deployKey, knownHosts } } });

  it('pushes the commits and signed tags with the deploy key, checking the host key against the saved line', async () => {
    const saved = await saveRemote(hostKeyLine);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.body).not.toContain('PRIVATE KEY');
    await publishVersion(t.database.db as Db, app, '1.0.0', { 'server.js': 'console.log(1);\n' }, 'First.');
    await publishVersion(t.database.db as Db, app, '1.1.0', { 'server.js': 'console.log(2);\n' }, 'Second.');
    await call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${app.id}/git-export` });
    const pushed = await call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${app.id}/git-push` });
    expect(pushed.json(), pushed.body).toMatchObject({ state: 'pushed', push: { lastPushedVersion: '1.1.0', error: null } });
    expect((await run('git', ['--git-dir', join(work, 'remote', 'laptops.git'), 'tag', '--list'])).stdout.trim().split('\n')).toEqual(['v1.0.0', 'v1.1.0']);
  }, 120_000);

  it('refuses to push to a server whose host key is not the saved one', async () => {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'other_host_key')]);
    const other = `[127.0.0.1]:${port} ${(await readFile(join(work, 'other_host_key.pub'), 'utf8')).split(' ').slice(0, 2).join(' ')}\n`;
    expect((await saveRemote(other)).statusCode).toBe(200);
    const outcome = (await call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${app.id}/git-push` })).json();
    expect(outcome).toMatchObject({ state: 'failed', code: 'GIT_PUSH_HOST_KEY' });
  }, 120_000);
});
