import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { GitExportError } from './git-export-error.js';
import { repositoryPath } from './git-export-service.js';
import { loadIntegrations, openIntegrations } from './git-integrations.js';
import { pushRepository, type PushCredential, type PushResult } from './git-push.js';
import { createGitlabProject } from './gitlab-client.js';
import { createJiraIssue } from './jira-client.js';
import { runGit } from './run-git.js';

export interface GitPushServices {
  db: Db;
  config: Config;
  logger: Logger;
}

export type PushOutcome =
  | { state: 'skipped'; reason: string }
  | { state: 'pushed'; remote: string | null; version: string | null; updated: string[]; jiraIssues: string[] }
  | { state: 'failed'; remote: string | null; code: string; message: string; retryable: boolean; jiraIssues: string[] };

/** The push state of one app as the app page and the admin page show it. */
export async function pushState(db: Db, orgId: string, appId: string) {
  const row = await db.selectFrom('git_export_pushes').selectAll().where('app_id', '=', appId).where('org_id', '=', orgId).executeTakeFirst();
  return row ? pushView(row) : null;
}
export function pushView(row: { remote_url: string | null; last_pushed_version: string | null; last_pushed_at: Date | null; last_error_code: string | null; last_error: string | null; last_attempt_at: Date | null; gitlab_web_url: string | null }) {
  return {
    remoteUrl: row.remote_url, lastPushedVersion: row.last_pushed_version, lastPushedAt: row.last_pushed_at?.toISOString() ?? null,
    errorCode: row.last_error_code, error: row.last_error, lastAttemptAt: row.last_attempt_at?.toISOString() ?? null, gitlabWebUrl: row.gitlab_web_url,
  };
}

/** Whether anything is configured to run after an export (a remote, GitLab or Jira). */
export async function isPushConfigured(db: Db, orgId: string): Promise<boolean> {
  const row = await loadIntegrations(db, orgId);
  return Boolean(row && (row.remote_url_template || row.gitlab_url || row.jira_url));
}

const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * After an export: pushes the app's repository to the organisation's remote (the GitLab project made for
 * the app on its first push when GitLab is configured, otherwise the URL template with the app's name)
 * and records the outcome; then opens a Jira issue for each version published since Jira was configured
 * that has none yet. Safe to run again: an up-to-date remote and existing issues are left as they are.
 */
export async function pushApp(services: GitPushServices, orgId: string, appId: string): Promise<PushOutcome> {
  const { db, config, logger } = services;
  const app = await db.selectFrom('apps').select(['name', 'title', 'summary']).where('id', '=', appId).where('org_id', '=', orgId).executeTakeFirst();
  if (!app) throw new GitExportError('GIT_REPOSITORY_NOT_FOUND', 404, `App '${appId}' was not found in your organization.`);
  const row = await loadIntegrations(db, orgId);
  if (!row || !(row.remote_url_template || row.gitlab_url || row.jira_url)) return { state: 'skipped', reason: 'no remote, GitLab or Jira configured' };
  const repository = repositoryPath(config, orgId, appId);
  if (!(await exists(join(repository, 'HEAD')))) return { state: 'skipped', reason: 'not exported yet' };
  const { remote, gitlab, jira } = openIntegrations(config, orgId, row);
  const state = await db.selectFrom('git_export_pushes').selectAll().where('app_id', '=', appId).executeTakeFirst();
  const record = async (values: Record<string, unknown>) => {
    await db.insertInto('git_export_pushes').values({ app_id: appId, org_id: orgId, last_attempt_at: new Date(), ...values }).onConflict((oc) => oc.column('app_id').doUpdateSet({ last_attempt_at: new Date(), ...values })).execute();
  };

  let target: { url: string; credential: PushCredential } | null = null;
  let failure: Extract<PushResult, { ok: false }> | { code: string; message: string; retryable: boolean } | null = null;
  if (gitlab) {
    let url = state?.gitlab_remote_url ?? null;
    if (!url) {
      try {
        const project = await createGitlabProject(gitlab, app);
        // The token goes along with the push: only to the GitLab server it was saved for.
        if (new URL(project.http_url_to_repo).hostname !== new URL(gitlab.url).hostname) throw new GitExportError('GITLAB_FAILED', 502, `GitLab answered with a repository on another host (${new URL(project.http_url_to_repo).hostname}); the token is only sent to ${new URL(gitlab.url).hostname}. Set GitLab's external URL to match, or use the remote template instead.`);
        url = project.http_url_to_repo;
        await record({ gitlab_project_id: project.id, gitlab_remote_url: url, gitlab_web_url: project.web_url });
        logger.info({ orgId, appId, project: project.path_with_namespace }, 'GitLab project created for the Git export');
      } catch (error) {
        failure = { code: (error as GitExportError).code ?? 'GITLAB_FAILED', message: (error as Error).message, retryable: true };
      }
    }
    if (url) target = { url, credential: { kind: 'https-token', username: 'oauth2', token: gitlab.token } };
  } else if (remote) {
    target = { url: remote.urlTemplate.replaceAll('{app}', app.name), credential: remote.credential };
  }

  let outcome: PushOutcome | null = null;
  if (target) {
    const latest = (await runGit(['--git-dir', repository, 'tag', '--list', 'v*', '--sort=-version:refname'])).split('\n').find(Boolean) ?? null;
    const result = await pushRepository({ repository, url: target.url, credential: target.credential, allowPrivate: config.gitPush.allowPrivateTargets, timeoutMs: config.gitPush.timeoutMs });
    if (result.ok) {
      const version = latest?.slice(1) ?? null;
      await record({ remote_url: target.url, last_pushed_version: version, last_pushed_at: new Date(), last_error_code: null, last_error: null });
      if (result.updated.length) logger.info({ orgId, appId, remote: target.url, updated: result.updated }, 'Git export pushed');
      outcome = { state: 'pushed', remote: target.url, version, updated: result.updated, jiraIssues: [] };
    } else {
      failure = result;
    }
  }
  if (failure) {
    await record({ remote_url: target?.url ?? null, last_error_code: failure.code, last_error: failure.message.slice(0, 1000) });
    logger.warn({ orgId, appId, remote: target?.url, code: failure.code, retryable: failure.retryable }, 'Git export push failed');
    outcome = { state: 'failed', remote: target?.url ?? null, code: failure.code, message: failure.message, retryable: failure.retryable, jiraIssues: [] };
  }
  outcome ??= { state: 'pushed', remote: null, version: null, updated: [], jiraIssues: [] };

  if (jira) {
    const versions = await db
      .selectFrom('app_versions')
      .leftJoin('git_export_jira_issues', 'git_export_jira_issues.version_id', 'app_versions.id')
      .select(['app_versions.id', 'app_versions.version', 'app_versions.changelog'])
      .where('app_versions.app_id', '=', appId)
      .where('app_versions.org_id', '=', orgId)
      .where('git_export_jira_issues.version_id', 'is', null)
      .where('app_versions.published_at', '>=', jira.since ?? new Date(0))
      .orderBy('app_versions.published_at', 'asc')
      .execute();
    for (const version of versions) {
      const issue = await createJiraIssue(jira, { appTitle: app.title, version: version.version, changelog: version.changelog ?? '', link: `${config.publicUrl}/apps/${appId}` });
      await db.insertInto('git_export_jira_issues').values({ version_id: version.id, org_id: orgId, app_id: appId, issue_key: issue.key, issue_url: issue.url }).onConflict((oc) => oc.column('version_id').doNothing()).execute();
      outcome.jiraIssues.push(issue.key);
      logger.info({ orgId, appId, version: version.version, issue: issue.key }, 'Jira issue created for a published version');
    }
  }
  return outcome;
}

/** Every app of the organisation that has a push state, by name. */
export async function listPushStates(db: Db, orgId: string) {
  const rows = await db
    .selectFrom('git_export_pushes')
    .innerJoin('apps', 'apps.id', 'git_export_pushes.app_id')
    .selectAll('git_export_pushes')
    .select(['apps.name', 'apps.title'])
    .where('git_export_pushes.org_id', '=', orgId)
    .orderBy('apps.name')
    .execute();
  return rows.map((row) => ({ appId: row.app_id, appName: row.name, appTitle: row.title, ...pushView(row) }));
}
