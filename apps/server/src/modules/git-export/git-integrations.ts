import type { Selectable, Updateable } from 'kysely';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { createSecretBox, type SecretBox } from '../llm-settings/secret-box.js';
import { GitExportError } from './git-export-error.js';
import type { GitExportSettingsTable } from './git-export-tables.js';
import { readKnownHostsLine, readSshPrivateKey, type PushCredential } from './git-push.js';
import { checkTargetUrl } from './remote-target.js';

/** Git export secrets at rest (remote token or deploy key, GitLab and Jira tokens): sealed like LLM keys, under a key of their own, bound to org and use. */
export function gitExportSecretBox(config: Config): SecretBox {
  return createSecretBox(config.jwtSecret ?? 'development-secret-missing', {
    salt: 'marketplace/git-export-secrets',
    info: 'aes-256-gcm git export credential v1',
    what: 'Git export credential',
    fix: 'save it again under Admin → Git export (PUT /api/v1/git/integrations)',
  });
}
const context = (orgId: string, use: 'remote' | 'gitlab' | 'jira') => `git-export:${orgId}:${use}`;

export interface RemoteInput { urlTemplate: string; auth: 'https-token' | 'ssh-key'; username?: string; token?: string; privateKey?: string; knownHosts?: string }
export interface GitlabInput { url: string; namespaceId?: number; token?: string }
export interface JiraInput { url: string; projectKey: string; issueType: string; email?: string; token?: string }
/** A section given replaces the stored one (a secret left out keeps the stored secret); null removes it; absent leaves it. */
export interface IntegrationsInput { remote?: RemoteInput | null; gitlab?: GitlabInput | null; jira?: JiraInput | null }

/** The settings as admins see them: never a secret, only whether one is stored. */
export function integrationsView(row: Selectable<GitExportSettingsTable> | undefined) {
  return {
    remote: row?.remote_url_template
      ? { urlTemplate: row.remote_url_template, auth: row.remote_auth!, username: row.remote_username, hasSecret: Boolean(row.remote_secret_sealed), knownHosts: row.remote_known_hosts }
      : null,
    gitlab: row?.gitlab_url ? { url: row.gitlab_url, namespaceId: row.gitlab_namespace_id, hasToken: Boolean(row.gitlab_token_sealed) } : null,
    jira: row?.jira_url ? { url: row.jira_url, projectKey: row.jira_project_key!, issueType: row.jira_issue_type!, email: row.jira_email, hasToken: Boolean(row.jira_token_sealed), since: row.jira_since?.toISOString() ?? null } : null,
  };
}

export const loadIntegrations = (db: Db, orgId: string) => db.selectFrom('git_export_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();

const invalid = (message: string) => new GitExportError('GIT_REMOTE_INVALID', 422, message);

/**
 * Checks and stores an organisation's Git export integrations; secrets are sealed before they reach the
 * database. Returns what changed, for the audit log (never a secret).
 */
export async function saveIntegrations(deps: { db: Db; config: Config }, orgId: string, userId: string | null, input: IntegrationsInput): Promise<string[]> {
  const { db, config } = deps;
  const allowPrivate = config.gitPush.allowPrivateTargets;
  const box = gitExportSecretBox(config);
  const current = await loadIntegrations(db, orgId);
  const values: Updateable<GitExportSettingsTable> = {};
  const changed: string[] = [];
  if (input.remote === null) {
    Object.assign(values, { remote_url_template: null, remote_auth: null, remote_username: null, remote_secret_sealed: null, remote_known_hosts: null });
    changed.push('remote removed');
  } else if (input.remote) {
    const r = input.remote;
    if (!r.urlTemplate.includes('{app}')) throw invalid(`The remote URL template must contain {app} (the app's name), as in https://git.example.com/tools/{app}.git; got '${r.urlTemplate.slice(0, 200)}'.`);
    const ssh = r.auth === 'ssh-key';
    checkTargetUrl(r.urlTemplate.replaceAll('{app}', 'app'), { protocols: ssh ? ['ssh:'] : ['https:', 'http:'], allowPrivate, what: 'remote', example: ssh ? 'ssh://git@git.example.com/tools/{app}.git' : 'https://git.example.com/tools/{app}.git' });
    let secret: string | undefined;
    if (ssh) {
      if (r.token || r.username) throw invalid('An SSH remote takes privateKey and knownHosts, not username and token.');
      if (r.privateKey !== undefined) {
        const key = readSshPrivateKey(r.privateKey);
        if (!key.ok) throw invalid(`The remote's ${key.message}.`);
        secret = key.openssh;
      }
      if (!r.knownHosts) throw invalid("An SSH remote needs knownHosts: the server's host key as a known_hosts line (ssh-keyscan -t ed25519 <host>, checked out of band); host keys are never accepted unseen.");
      const known = readKnownHostsLine(r.knownHosts);
      if (!known.ok) throw invalid(`The remote's ${known.message}.`);
      Object.assign(values, { remote_known_hosts: known.line, remote_username: null });
    } else {
      if (r.privateKey || r.knownHosts) throw invalid('An HTTPS remote takes username and token, not privateKey and knownHosts.');
      if (!r.username) throw invalid('An HTTPS remote needs username (for GitLab and GitHub tokens any name such as "oauth2" works).');
      secret = r.token;
      Object.assign(values, { remote_username: r.username, remote_known_hosts: null });
    }
    const sameKind = current?.remote_auth === r.auth && current.remote_secret_sealed;
    if (secret === undefined && !sameKind) throw invalid(ssh ? 'An SSH remote needs privateKey (a deploy key with write access, without passphrase).' : 'An HTTPS remote needs token (a password or access token with write access).');
    Object.assign(values, { remote_url_template: r.urlTemplate, remote_auth: r.auth, ...(secret !== undefined ? { remote_secret_sealed: box.seal(secret, context(orgId, 'remote')) } : {}) });
    changed.push(`remote ${r.urlTemplate}${secret !== undefined ? ' (credential replaced)' : ''}`);
  }
  if (input.gitlab === null) {
    Object.assign(values, { gitlab_url: null, gitlab_namespace_id: null, gitlab_token_sealed: null });
    changed.push('GitLab removed');
  } else if (input.gitlab) {
    const url = checkTargetUrl(input.gitlab.url, { protocols: ['https:', 'http:'], allowPrivate, what: 'GitLab', example: 'https://gitlab.example.com' });
    if (!input.gitlab.token && !current?.gitlab_token_sealed) throw invalid('GitLab needs token: an access token with the api scope that may create projects in the namespace.');
    Object.assign(values, { gitlab_url: url.origin + url.pathname.replace(/\/+$/, ''), gitlab_namespace_id: input.gitlab.namespaceId ?? null, ...(input.gitlab.token ? { gitlab_token_sealed: box.seal(input.gitlab.token, context(orgId, 'gitlab')) } : {}) });
    changed.push(`GitLab ${url.origin}${input.gitlab.token ? ' (token replaced)' : ''}`);
  }
  if (input.jira === null) {
    Object.assign(values, { jira_url: null, jira_project_key: null, jira_issue_type: null, jira_email: null, jira_token_sealed: null, jira_since: null });
    changed.push('Jira removed');
  } else if (input.jira) {
    const url = checkTargetUrl(input.jira.url, { protocols: ['https:', 'http:'], allowPrivate, what: 'Jira', example: 'https://example.atlassian.net' });
    if (!input.jira.token && !current?.jira_token_sealed) throw invalid('Jira needs token: an API token (with email, Jira Cloud) or a personal access token (without email, Data Center).');
    Object.assign(values, {
      jira_url: url.origin + url.pathname.replace(/\/+$/, ''), jira_project_key: input.jira.projectKey, jira_issue_type: input.jira.issueType, jira_email: input.jira.email ?? null,
      jira_since: current?.jira_since ?? new Date(),
      ...(input.jira.token ? { jira_token_sealed: box.seal(input.jira.token, context(orgId, 'jira')) } : {}),
    });
    changed.push(`Jira ${url.origin} ${input.jira.projectKey}${input.jira.token ? ' (token replaced)' : ''}`);
  }
  if (!changed.length) return changed;
  await db
    .insertInto('git_export_settings')
    .values({ org_id: orgId, ...values, updated_by: userId })
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...values, updated_by: userId, updated_at: new Date() }))
    .execute();
  return changed;
}

/** The opened credentials of what is configured (for the push job only; never returned by a route). */
export function openIntegrations(config: Config, orgId: string, row: Selectable<GitExportSettingsTable>) {
  const box = gitExportSecretBox(config);
  const remote: { urlTemplate: string; credential: PushCredential } | null =
    row.remote_url_template && row.remote_secret_sealed
      ? {
          urlTemplate: row.remote_url_template,
          credential:
            row.remote_auth === 'ssh-key'
              ? { kind: 'ssh-key', privateKey: box.open(row.remote_secret_sealed, context(orgId, 'remote')), knownHosts: row.remote_known_hosts ?? '' }
              : { kind: 'https-token', username: row.remote_username ?? 'git', token: box.open(row.remote_secret_sealed, context(orgId, 'remote')) },
        }
      : null;
  const allowPrivate = config.gitPush.allowPrivateTargets;
  const gitlab = row.gitlab_url && row.gitlab_token_sealed ? { url: row.gitlab_url, namespaceId: row.gitlab_namespace_id, token: box.open(row.gitlab_token_sealed, context(orgId, 'gitlab')), allowPrivate } : null;
  const jira =
    row.jira_url && row.jira_token_sealed
      ? { url: row.jira_url, projectKey: row.jira_project_key!, issueType: row.jira_issue_type ?? 'Task', email: row.jira_email, token: box.open(row.jira_token_sealed, context(orgId, 'jira')), allowPrivate, since: row.jira_since }
      : null;
  return { remote, gitlab, jira };
}
