import type { KeyObject } from 'node:crypto';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkKeyList, extractBundle, loadPublicKey } from '@marketplace/release';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { fastImportStream, type ImportCommit, readTree } from './fast-import-stream.js';
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
  const git = (args: string[], options: { env?: Record<string, string>; input?: string | Buffer } = {}) => runGit(['--git-dir', repository, ...args], options);
  // One process for what the repository holds: the version tags and the branch's tip.
  const refs = new Map(
    (await git(['for-each-ref', '--format=%(refname) %(objectname)', `refs/heads/${EXPORT_BRANCH}`, 'refs/tags/v*']))
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]),
  );
  const pending = versions.filter((version) => !refs.has(`refs/tags/v${version.version}`));
  if (pending.length === 0) return { added: [], repository };
  const identity = exportIdentity(config);
  const messages = pending.map((version) => `${app.title} ${version.version}\n\n${version.changelog?.trim() || `Version ${version.version}.`}\n`);
  const commits: ImportCommit[] = [];
  for (const [index, version] of pending.entries()) {
    const work = await mkdtemp(join(tmpdir(), 'marketplace-git-export-'));
    try {
      const unpacked = await extractBundle(Buffer.from(version.bundle), join(work, 'tree'), {}, { expectedSha256: version.bundle_sha256 });
      if (!unpacked.ok) throw new GitExportError('GIT_BUNDLE_INVALID', 500, `The stored bundle of ${app.name} ${version.version} cannot be unpacked (${unpacked.code}: ${unpacked.message}).`);
      // Every file, a .gitignore inside the bundle included: the tree is exactly the signed files.
      commits.push({ files: await readTree(unpacked.dir), message: messages[index]!, date: Math.floor(new Date(version.published_at).getTime() / 1000) });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  // One `git fast-import` writes every new version's blobs, trees and commit and moves the branch (five processes
  // per version before: add, write-tree, rev-parse, commit-tree, update-ref); it prints the new commits' ids.
  const parent = refs.get(`refs/heads/${EXPORT_BRANCH}`) ?? null;
  const commitIds = (await git(['fast-import', '--quiet'], { input: fastImportStream(`refs/heads/${EXPORT_BRANCH}`, parent, identity, commits) })).split('\n').filter(Boolean);
  if (commitIds.length !== pending.length) throw new GitExportError('GIT_FAILED', 500, `git fast-import reported ${commitIds.length} commits for ${pending.length} versions of ${app.name}; run the export again.`);
  const { privateKey } = await services.keys.signingKey(orgId);
  const tagEnv = { GIT_COMMITTER_NAME: identity.name, GIT_COMMITTER_EMAIL: identity.email };
  const added: string[] = [];
  await withSigningKeyFile(privateKey, async (keyFile) => {
    for (const [index, version] of pending.entries()) {
      const date = `${commits[index]!.date} +0000`;
      await git(['-c', 'gpg.format=ssh', '-c', `user.signingKey=${keyFile}`, 'tag', '--sign', '--file', '-', `v${version.version}`, commitIds[index]!], { env: { ...tagEnv, GIT_COMMITTER_DATE: date }, input: messages[index]! });
      added.push(version.version);
    }
  });
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
