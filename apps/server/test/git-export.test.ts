import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Db } from '../src/db/schema.js';
import { gitExportJob } from '../src/modules/git-export/git-export-job.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { publishVersion } from './git-export-fixtures.js';
import { requireBinary } from './system-binary.js';

const run = promisify(execFile);
const hasGit = !!requireBinary('git', 'git') && !!requireBinary('ssh-keygen', 'openssh-client');
/** git with no user or system configuration, never prompting. */
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '/bin/false' };
const git = (args: string[], cwd?: string) => run('git', args, { cwd, env: gitEnv });

let t: TestApp;
let work: string;
let url: string;
let a: Account;
let b: Account;
let slugA: string;
let keyA: string;
let keyB: string;
let appId: string;

/** Publishes a version as the pipeline stores it: the signed bundle's bytes and the version row. */
const publish = (version: string, files: Record<string, string>, changelog: string) =>
  publishVersion(t.database.db as Db, { id: appId, orgId: a.orgId, authorId: a.userId, name: 'laptops', title: 'Laptops' }, version, files, changelog);

/** Every file of a checkout but Git's own, with its text. */
async function checkout(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || relative(dir, path).split('/')[0] === '.git') continue;
    files[relative(dir, path)] = await readFile(path, 'utf8');
  }
  return files;
}

const remote = (key: string | null) => `${url.replace('http://', key ? `http://user:${key}@` : 'http://')}/git/${slugA}/laptops.git`;

describe.skipIf(!hasGit)('Git export', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'git-export-test-'));
    t = await createTestApp({ env: { DATA_DIR: join(work, 'data') } });
    a = await register(t.app, { organization: 'Org A' });
    b = await register(t.app, { organization: 'Org B' });
    keyA = (await call(t.app, a, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'git', roles: ['member'] } })).json().key;
    keyB = (await call(t.app, b, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'git', roles: ['admin'] } })).json().key;
    slugA = (await (t.database.db as Db).selectFrom('organizations').select('slug').where('id', '=', a.orgId).executeTakeFirstOrThrow()).slug;
    appId = randomUUID();
    url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('serves every published version as a commit whose files are the release bundle’s, with a tag that verifies against the published allowed signers', async () => {
    const first = await publish('1.0.0', { 'server.js': 'console.log("v1");\n', 'public/index.html': '<h1>Laptops</h1>\n', '.gitignore': 'server.js\n' }, 'First version. Who has which laptop.');
    const exported = await call(t.app, a, { method: 'POST', url: `/api/v1/apps/${appId}/git-export` });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.json().added).toEqual(['1.0.0']);
    expect(exported.json().cloneUrl).toMatch(new RegExp(`/git/${slugA}/laptops\\.git$`));

    const clone = join(work, 'clone');
    await git(['clone', '--quiet', remote(keyA), clone]);
    expect(await checkout(clone)).toEqual(first);
    expect((await git(['log', '-1', '--format=%B'], clone)).stdout).toContain('First version. Who has which laptop.');

    const signers = await call(t.app, a, { method: 'GET', url: '/api/v1/git/allowed-signers' });
    expect(signers.body).toMatch(/^git-export@\S+ namespaces="git" ssh-ed25519 AAAA/);
    await writeFile(join(work, 'allowed_signers'), signers.body);
    const verified = await git(['-c', `gpg.ssh.allowedSignersFile=${join(work, 'allowed_signers')}`, 'tag', '-v', 'v1.0.0'], clone);
    expect(verified.stderr).toContain('Good "git" signature');
    // Org B's signers do not vouch for A's tags.
    await writeFile(join(work, 'other_signers'), (await call(t.app, b, { method: 'GET', url: '/api/v1/git/allowed-signers' })).body);
    await expect(git(['-c', `gpg.ssh.allowedSignersFile=${join(work, 'other_signers')}`, 'tag', '-v', 'v1.0.0'], clone)).rejects.toThrow();
  }, 120_000);

  it('adds a commit on top for the next version, and running the export again changes nothing', async () => {
    const second = await publish('1.1.0', { 'server.js': 'console.log("v2");\n', 'public/index.html': '<h1>Laptops</h1>\n', 'notes.md': 'New: notes\n' }, 'Added the field “Notes”.');
    expect((await call(t.app, a, { method: 'POST', url: `/api/v1/apps/${appId}/git-export` })).json().added).toEqual(['1.1.0']);
    expect((await call(t.app, a, { method: 'POST', url: `/api/v1/apps/${appId}/git-export` })).json().added).toEqual([]);
    const clone = join(work, 'clone');
    await git(['pull', '--quiet', '--tags', remote(keyA), 'main'], clone);
    expect(await checkout(clone)).toEqual(second);
    expect((await git(['log', '--format=%s', 'main'], clone)).stdout.trim().split('\n')).toEqual(['Laptops 1.1.0', 'Laptops 1.0.0']);
    expect((await git(['tag', '--list'], clone)).stdout.trim().split('\n')).toEqual(['v1.0.0', 'v1.1.0']);
    // What publishing queues: the job exports what is new and finds nothing to do the second time.
    await publish('1.2.0', { 'server.js': 'console.log("v3");\n' }, 'Removed the page.');
    const job = gitExportJob({ db: t.database.db as Db, config: t.app.config, keys: t.app.orgKeys, logger: pino({ level: 'silent' }) });
    const context = { attempt: 1, jobId: 'test', signal: new AbortController().signal } as unknown as Parameters<typeof job.handler>[1];
    expect(await job.handler({ orgId: a.orgId, appId }, context)).toEqual({ added: ['1.2.0'] });
    expect(await job.handler({ orgId: a.orgId, appId }, context)).toEqual({ skipped: 'already exported' });
    const info = (await call(t.app, a, { method: 'GET', url: `/api/v1/apps/${appId}/git` })).json();
    expect(info.tags).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0']);
  }, 120_000);

  it('lets nobody outside the organisation clone, asks for credentials first, and refuses every push', async () => {
    const unauthenticated = await fetch(`${url}/git/${slugA}/laptops.git/info/refs?service=git-upload-pack`);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toMatch(/^Basic /);
    const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`user:${key}`).toString('base64')}` });
    expect((await fetch(`${url}/git/${slugA}/laptops.git/info/refs?service=git-upload-pack`, { headers: basic(keyB) })).status).toBe(404);
    await expect(git(['clone', '--quiet', remote(keyB), join(work, 'stolen')])).rejects.toThrow(/not found|404/i);
    expect((await call(t.app, b, { method: 'POST', url: `/api/v1/apps/${appId}/git-export` })).statusCode).toBe(404);

    expect((await fetch(`${url}/git/${slugA}/laptops.git/info/refs?service=git-receive-pack`, { headers: basic(keyA) })).status).toBe(403);
    expect((await fetch(`${url}/git/${slugA}/laptops.git/git-receive-pack`, { method: 'POST', headers: basic(keyA) })).status).toBe(403);
    const clone = join(work, 'clone');
    await writeFile(join(clone, 'sneaky.txt'), 'not published\n');
    await git(['-c', 'user.name=M', '-c', 'user.email=m@example.test', 'commit', '--quiet', '-am', 'sneaky'], clone).catch(() => git(['add', 'sneaky.txt'], clone));
    await expect(git(['push', remote(keyA), 'HEAD:main'], clone)).rejects.toThrow(/403|read-only|denied/i);
  }, 120_000);
});
