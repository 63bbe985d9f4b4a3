import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { publishVersion, type ExportedApp } from './git-export-fixtures.js';
import { startGitRemoteServer, type GitRemoteServer } from './git-remote-server.js';
import { startReplayServer, type ReplayServer } from './recorded-wire-server.js';
import { requireBinary } from './system-binary.js';

const run = promisify(execFile);
const hasGit = !!requireBinary('git', 'git') && !!requireBinary('ssh-keygen', 'openssh-client');
const git = (args: string[]) => run('git', args, { env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } });
const fixture = (name: string) => new URL(`./fixtures/wire/${name}`, import.meta.url);

const GITLAB_TOKEN = 'glpat-Xq7s9d2KfR4mT8vB1nZc';
const JIRA_TOKEN = 'ATATT3xFfGF0jira-token-for-tests';

let t: TestApp;
let work: string;
let admin: Account;
const servers: { close(): Promise<void> }[] = [];
const db = () => t.database.db as Db;
const exportAndPush = async (app: ExportedApp) => {
  expect((await call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${app.id}/git-export` })).statusCode).toBe(200);
  return call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${app.id}/git-push` });
};

describe.skipIf(!hasGit)('GitLab project and Jira issues for exported apps', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'git-integrations-test-'));
    t = await createTestApp({ env: { DATA_DIR: join(work, 'data'), GIT_PUSH_ALLOW_PRIVATE_TARGETS: 'true' } });
    admin = await register(t.app, { organization: 'Org A' });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    for (const server of servers) await server.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('documents the integration routes in /docs', async () => {
    const paths = (await t.app.inject('/docs/json')).json().paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/api/v1/git/integrations', '/api/v1/git/pushes', '/api/v1/apps/{id}/git-push']));
    expect(paths['/api/v1/git/integrations'].put.summary).toMatch(/GitLab and Jira/);
  });

  it("creates the app's GitLab project on its first push and pushes there, against a local server replaying GitLab's recorded wire protocol", async () => {
    await git(['init', '--quiet', '--bare', '--initial-branch=main', join(work, 'gitlab-repos', 'tools', 'laptops.git')]);
    const repos: GitRemoteServer = await startGitRemoteServer({ root: join(work, 'gitlab-repos'), username: 'oauth2', password: GITLAB_TOKEN });
    const gitlab: ReplayServer = await startReplayServer(fixture('gitlab-create-project.json'), { token: GITLAB_TOKEN, gitRemote: repos.url });
    servers.push(repos, gitlab);
    const saved = await call(t.app, admin, { method: 'PUT', url: '/api/v1/git/integrations', payload: { gitlab: { url: gitlab.url, namespaceId: 42, token: GITLAB_TOKEN } } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().gitlab).toEqual({ url: gitlab.url, namespaceId: 42, hasToken: true });
    expect(saved.body).not.toContain(GITLAB_TOKEN);

    const app: ExportedApp = { id: randomUUID(), orgId: admin.orgId, authorId: admin.userId, name: 'laptops', title: 'Laptops' };
    await publishVersion(db(), app, '1.0.0', { 'server.js': 'console.log(1);\n' }, 'First.');
    const pushed = await exportAndPush(app);
    expect(pushed.json(), pushed.body).toMatchObject({ state: 'pushed', push: { remoteUrl: `${repos.url}/tools/laptops.git`, lastPushedVersion: '1.0.0', gitlabWebUrl: `${gitlab.url}/tools/laptops` } });
    expect(gitlab.mismatches).toEqual([]);
    expect(gitlab.remaining()).toBe(0);
    expect((await git(['--git-dir', join(work, 'gitlab-repos', 'tools', 'laptops.git'), 'tag', '--list'])).stdout.trim()).toBe('v1.0.0');

    // The next version goes to the same project: GitLab is not asked again (the replay has nothing more).
    await publishVersion(db(), app, '1.1.0', { 'server.js': 'console.log(2);\n' }, 'Second.');
    expect((await exportAndPush(app)).json()).toMatchObject({ state: 'pushed', push: { lastPushedVersion: '1.1.0', error: null } });
    expect(gitlab.mismatches).toEqual([]);
  }, 120_000);

  it("reports GitLab's refusal to create a project on the app, against a local server replaying GitLab's recorded wire protocol", async () => {
    const gitlab = await startReplayServer(fixture('gitlab-project-taken.json'), { token: GITLAB_TOKEN });
    servers.push(gitlab);
    await call(t.app, admin, { method: 'PUT', url: '/api/v1/git/integrations', payload: { gitlab: { url: gitlab.url } } });
    const app: ExportedApp = { id: randomUUID(), orgId: admin.orgId, authorId: admin.userId, name: 'desks', title: 'Desks' };
    await publishVersion(db(), app, '1.0.0', { 'server.js': 'console.log(1);\n' }, 'First.');
    const outcome = (await exportAndPush(app)).json();
    expect(outcome).toMatchObject({ state: 'failed', code: 'GITLAB_FAILED', push: { errorCode: 'GITLAB_FAILED' } });
    expect(outcome.message).toMatch(/GitLab answered 400 .*has already been taken/);
    expect(gitlab.mismatches).toEqual([]);
  }, 120_000);

  it("opens one Jira issue per version published after Jira was configured, with its changelog, against a local server replaying Jira's recorded wire protocol", async () => {
    const app: ExportedApp = { id: randomUUID(), orgId: admin.orgId, authorId: admin.userId, name: 'rooms', title: 'Desks' };
    const jira = await startReplayServer(fixture('jira-create-issue.json'), { basic: Buffer.from(`ops@example.test:${JIRA_TOKEN}`).toString('base64'), appLink: `${t.app.config.publicUrl}/apps/${app.id}` });
    servers.push(jira);
    // No Git remote: Jira works on its own.
    const saved = await call(t.app, admin, { method: 'PUT', url: '/api/v1/git/integrations', payload: { gitlab: null, jira: { url: jira.url, projectKey: 'OPS', email: 'ops@example.test', token: JIRA_TOKEN } } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ gitlab: null, remote: null, jira: { projectKey: 'OPS', issueType: 'Task', hasToken: true } });
    await publishVersion(db(), app, '2.0.0', { 'server.js': 'console.log(0);\n' }, 'Before Jira: no issue.', new Date(Date.now() - 86_400_000));
    await publishVersion(db(), app, '2.1.0', { 'server.js': 'console.log(1);\n' }, 'Desks can be booked by the hour.', new Date(Date.now() + 1000));
    await publishVersion(db(), app, '2.2.0', { 'server.js': 'console.log(2);\n' }, 'Rooms too.', new Date(Date.now() + 2000));
    const first = await exportAndPush(app);
    expect(first.json(), first.body).toMatchObject({ state: 'pushed', jiraIssues: ['OPS-24', 'OPS-25'] });
    expect(jira.mismatches).toEqual([]);
    expect(jira.remaining()).toBe(0);
    // Run again: every version has its issue, Jira is not called (the replay has nothing more).
    expect((await call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${app.id}/git-push` })).json()).toMatchObject({ state: 'pushed', jiraIssues: [] });
    expect(jira.mismatches).toEqual([]);
    const issues = await db().selectFrom('git_export_jira_issues').select(['issue_key', 'issue_url']).where('app_id', '=', app.id).orderBy('issue_key').execute();
    expect(issues).toEqual([{ issue_key: 'OPS-24', issue_url: `${jira.url}/browse/OPS-24` }, { issue_key: 'OPS-25', issue_url: `${jira.url}/browse/OPS-25` }]);
  }, 120_000);
});
