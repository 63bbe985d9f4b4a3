import type { KeyObject } from 'node:crypto';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkKeyList, extractBundle, loadPublicKey } from '@marketplace/release';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { GitExportError } from './git-export-error.js';
import { runGit } from './run-git.js';
import { allowedSignersLine, sshPublicKey, withSigningKeyFile } from './ssh-signing-key.js';

/** The branch every export commits to. */
export const EXPORT_BRANCH = 'main';

/** What the export needs of the organisation keys (module org-keys): the key that signs tags. */
export interface GitExportKeys {
  signingKey(orgId: string): Promise<{ keyId: string; privateKey: KeyObject }>;
}

export interface GitExportServices {
  db: Db;
  config: Config;
  keys: GitExportKeys;
  logger: Logger;
}

/** Where an app's bare repository lives: by ids only, so nothing a user typed reaches a path. */
export const repositoryRoot = (config: Config, orgId: string) => join(config.dataDir, 'git', orgId);
export const repositoryPath = (config: Config, orgId: string, appId: string) => join(repositoryRoot(config, orgId), `${appId}.git`);

/** The tagger and committer of exported versions; the allowed-signers file names the same address. */
export function exportIdentity(config: Config): { name: string; email: string } {
  return { name: 'Marketplace', email: `git-export@${new URL(config.publicUrl).hostname}` };
}

const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * Brings an app's repository up to date: every published version that has no tag yet becomes a commit on
 * `main` whose tree is exactly the files of its signed release bundle (verified against the published
 * sha256 while unpacking), its changelog the message, dated when it was published, and an SSH-signed
 * annotated tag `v<version>` made with the organisation's current release key. Safe to run again: a
 * version already tagged is skipped. Returns the versions added.
 */
export async function exportApp(services: GitExportServices, orgId: string, appId: string): Promise<{ added: string[]; repository: string }> {
  const { db, config } = services;
  const app = await db.selectFrom('apps').select(['id', 'name', 'title']).where('id', '=', appId).where('org_id', '=', orgId).executeTakeFirst();
  if (!app) throw new GitExportError('GIT_REPOSITORY_NOT_FOUND', 404, `App '${appId}' was not found in your organization.`);
  const versions = await db
    .selectFrom('app_versions')
    .innerJoin('app_version_bundles', 'app_version_bundles.version_id', 'app_versions.id')
    .select(['app_versions.id', 'app_versions.version', 'app_versions.changelog', 'app_versions.bundle_sha256', 'app_versions.published_at', 'app_version_bundles.bundle'])
    .where('app_versions.app_id', '=', appId)
    .where('app_versions.org_id', '=', orgId)
    .orderBy('app_versions.published_at', 'asc')
    .execute();
  const repository = repositoryPath(config, orgId, appId);
  if (!(await exists(join(repository, 'HEAD')))) {
    await mkdir(dirname(repository), { recursive: true, mode: 0o700 });
    await runGit(['init', '--quiet', '--bare', `--initial-branch=${EXPORT_BRANCH}`, repository]);
  }
  const git = (args: string[], options: { env?: Record<string, string>; input?: string } = {}) => runGit(['--git-dir', repository, ...args], options);
  const tagged = new Set((await git(['tag', '--list', 'v*'])).split('\n').filter(Boolean));
  const identity = exportIdentity(config);
  const added: string[] = [];
  for (const version of versions) {
    const tag = `v${version.version}`;
    if (tagged.has(tag)) continue;
    const work = await mkdtemp(join(tmpdir(), 'marketplace-git-export-'));
    try {
      const tree = join(work, 'tree');
      const unpacked = await extractBundle(Buffer.from(version.bundle), tree, {}, { expectedSha256: version.bundle_sha256 });
      if (!unpacked.ok) throw new GitExportError('GIT_BUNDLE_INVALID', 500, `The stored bundle of ${app.name} ${version.version} cannot be unpacked (${unpacked.code}: ${unpacked.message}).`);
      const date = `${Math.floor(new Date(version.published_at).getTime() / 1000)} +0000`;
      const env = {
        GIT_WORK_TREE: tree,
        GIT_INDEX_FILE: join(work, 'index'),
        GIT_AUTHOR_NAME: identity.name,
        GIT_AUTHOR_EMAIL: identity.email,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_NAME: identity.name,
        GIT_COMMITTER_EMAIL: identity.email,
        GIT_COMMITTER_DATE: date,
      };
      // --force: a .gitignore inside the bundle must not leave signed files out of the tree.
      await git(['add', '--all', '--force', '.'], { env });
      const treeId = (await git(['write-tree'], { env })).trim();
      const parent = (await git(['rev-parse', '--quiet', '--verify', `refs/heads/${EXPORT_BRANCH}`]).catch(() => '')).trim();
      const message = `${app.title} ${version.version}\n\n${version.changelog?.trim() || `Version ${version.version}.`}\n`;
      const commit = (await git(['commit-tree', treeId, ...(parent ? ['-p', parent] : []), '-F', '-'], { env, input: message })).trim();
      await git(['update-ref', `refs/heads/${EXPORT_BRANCH}`, commit, ...(parent ? [parent] : [])]);
      const { privateKey } = await services.keys.signingKey(orgId);
      await withSigningKeyFile(privateKey, (keyFile) => git(['-c', 'gpg.format=ssh', '-c', `user.signingKey=${keyFile}`, 'tag', '--sign', '--file', '-', tag, commit], { env, input: message }));
      added.push(version.version);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  if (added.length) services.logger.info({ orgId, appId, added }, 'app exported to Git');
  return { added, repository };
}

/**
 * The organisation's allowed-signers file for `git tag -v` (gpg.ssh.allowedSignersFile): every active
 * release key of its signed key list, for the export's tagger address. A revoked key is left out, so tags
 * it made stop verifying, as its releases stop installing.
 */
export async function allowedSigners(services: { config: Config; keys: { publicInfo(orgId: string): Promise<{ keyList: string }> } }, orgId: string): Promise<string> {
  const info = await services.keys.publicInfo(orgId);
  const keyList = checkKeyList(JSON.parse(Buffer.from(JSON.parse(info.keyList).payload, 'base64').toString('utf8')));
  const { email } = exportIdentity(services.config);
  return keyList.keys
    .filter((key) => key.status === 'active')
    .map((key) => `${allowedSignersLine(email, sshPublicKey(loadPublicKey(key.publicKey)))}\n`)
    .join('');
}

/** The clone URL of an app's repository: by organisation slug and app name, as people read them. */
export const cloneUrl = (config: Config, orgSlug: string, appName: string) => `${config.publicUrl}/git/${encodeURIComponent(orgSlug)}/${encodeURIComponent(appName)}.git`;

/** The app a clone URL names, when it is in the caller's organisation (otherwise nothing: another organisation's apps do not exist here). */
export async function findRepository(db: Db, callerOrgId: string, orgSlug: string, appName: string): Promise<{ orgId: string; appId: string } | null> {
  const row = await db
    .selectFrom('apps')
    .innerJoin('organizations', 'organizations.id', 'apps.org_id')
    .select(['apps.id', 'apps.org_id'])
    .where('organizations.slug', '=', orgSlug)
    .where('apps.name', '=', appName)
    .where('apps.org_id', '=', callerOrgId)
    .executeTakeFirst();
  return row ? { orgId: row.org_id, appId: row.id } : null;
}

/** An app of the caller's organisation with its clone URL, and the versions its repository holds. */
export async function repositoryInfo(services: Pick<GitExportServices, 'db' | 'config'>, orgId: string, appId: string): Promise<{ cloneUrl: string; allowedSignersUrl: string; tags: string[] }> {
  const row = await services.db
    .selectFrom('apps')
    .innerJoin('organizations', 'organizations.id', 'apps.org_id')
    .select(['apps.name', 'organizations.slug'])
    .where('apps.id', '=', appId)
    .where('apps.org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw new GitExportError('GIT_REPOSITORY_NOT_FOUND', 404, `App '${appId}' was not found in your organization.`);
  const repository = repositoryPath(services.config, orgId, appId);
  const tags = (await exists(join(repository, 'HEAD'))) ? (await runGit(['--git-dir', repository, 'tag', '--list', 'v*', '--sort=version:refname'])).split('\n').filter(Boolean) : [];
  return { cloneUrl: cloneUrl(services.config, row.slug, row.name), allowedSignersUrl: `${services.config.publicUrl}/api/v1/git/allowed-signers`, tags };
}
