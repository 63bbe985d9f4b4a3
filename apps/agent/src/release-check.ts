import {
  checkReadPaths,
  DEFAULT_MANIFEST_POLICY,
  verifyDelivery,
  verifyKeyList,
  verifyRelease,
  type AppManifest,
  type GrantedReadPath,
  type KeyList,
  type ManifestPolicy,
  type ReleaseLimits,
  type VerifiedRelease,
} from '@marketplace/release';
import type { AgentConfig } from './agent-config.js';
import { notice, reason, type Reason } from './reason.js';
import type { HomeLayout } from './agent-home.js';
import type { NonceStore } from './delivery-nonces.js';
import { readJson, writeJsonAtomic } from './json-file.js';

export interface StoredKeyList {
  json: string;
  version: number;
}

export interface ReleaseCheckDeps {
  config: AgentConfig;
  layout: HomeLayout;
  /** The organisation's current key list from the server, or null when it cannot be reached. */
  fetchKeyList(): Promise<string | null>;
  log(message: string): void;
}

export type Refusal = { code: string; message: string };

/**
 * Verifies a release against the pinned root and the newest key list (the server's when it
 * answers, else the last one seen; a newer verified list is remembered), the organisation policy
 * and this agent's limits. Used for mailed releases and for `marketplace-agent install` alike.
 */
export async function checkRelease(
  deps: ReleaseCheckDeps,
  input: { envelopeJson: string; bundlePath: string; app?: string; deployedVersion: string | undefined },
): Promise<({ ok: true } & VerifiedRelease) | ({ ok: false } & Refusal)> {
  const keyList = await currentKeyList(deps);
  const verified = await verifyRelease({
    envelope: input.envelopeJson,
    bundle: input.bundlePath,
    rootPublicKey: deps.config.rootPublicKey,
    keyList: keyList.offered ?? keyList.stored?.json ?? '',
    lastKeyListVersion: keyList.stored?.version,
    expect: { org: deps.config.orgId, ...(input.app ? { app: input.app } : {}), deployedVersion: input.deployedVersion, policy: { ...DEFAULT_MANIFEST_POLICY, ...(deps.config.policy as Partial<ManifestPolicy> | undefined) } },
    limits: deps.config.limits as Partial<ReleaseLimits> | undefined,
  });
  if (!verified.ok) return verified;
  if (verified.keyList.version > (keyList.stored?.version ?? 0)) await writeJsonAtomic(deps.layout.keyList, { json: keyList.offered!, version: verified.keyList.version } satisfies StoredKeyList);
  return verified;
}

/**
 * Whether a verified release was delivered to this agent (see verifyDelivery), and whether the files
 * it reads outside its data folder (app.json `permissions.readPaths`) are under the prefixes the
 * organisation signed into the statement (policy.workstationReadPaths); the release alone grants
 * nothing. An accepted statement's nonce is remembered so a copy of the mail is refused.
 */
export async function checkDelivery(
  deps: ReleaseCheckDeps & { nonces: NonceStore },
  input: { deliveryJson: string | undefined; keyList: KeyList; release: { app: string; version: string; sha256: string }; manifest: AppManifest; mailKey: string; resumed: boolean; reinstall?: boolean },
): Promise<({ ok: false } & Refusal) | { ok: true; granted: GrantedReadPath[] }> {
  const { config } = deps;
  const checked = await verifyDelivery({
    envelope: input.deliveryJson,
    keyList: input.keyList,
    expect: { org: config.orgId, agentId: config.agentId, groupIds: config.groupIds ?? [], release: input.release },
    seen: (nonce) => deps.nonces.seen(nonce, input.mailKey, input.resumed),
    limits: config.limits as Partial<ReleaseLimits> | undefined,
  });
  if (!checked.ok) return { ok: false, code: checked.code, message: checked.message };
  // the version running here again: only when the verified statement itself says so
  if (input.reinstall && checked.statement.reinstall !== true) {
    return { ok: false, code: 'VERSION_NOT_NEWER', message: `${input.release.app} ${input.release.version} is already deployed; releases only move forward. Remove the app first to install an older version on purpose.` };
  }
  const grant = checkReadPaths(input.manifest, checked.statement.policy?.readPaths ?? []);
  if (!grant.ok) return { ok: false, code: grant.code, message: grant.message };
  await deps.nonces.remember(checked.statement.nonce, checked.statement.expiresAt, input.mailKey);
  return { ok: true, granted: grant.granted };
}

/** What a person at the workstation (and the server) is told about granted files: the path, its setting and the allowing prefix. */
export function describeGrants(app: string, version: string, granted: readonly GrantedReadPath[]): Reason {
  const list = granted.map((entry) => `${entry.path} (setting ${entry.setting}, allowed by ${entry.prefix})`).join('; ');
  const files = granted.map((entry) => `${entry.path} (${entry.setting})`).join('; ');
  return reason('READ_PATHS_GRANTED', `${app} ${version} may read, read only, outside its data folder: ${list}.`, notice('deployment.readPathsGranted', { app, version, files }));
}

/** The key list to verify against: the server's when it answers (verifyRelease refuses one older than the stored version), else the last one seen. */
async function currentKeyList(deps: ReleaseCheckDeps): Promise<{ offered: string | null; stored: StoredKeyList | undefined }> {
  const stored = await readJson<StoredKeyList>(deps.layout.keyList);
  let offered: string | null = null;
  try {
    offered = await deps.fetchKeyList();
  } catch (error) {
    deps.log(`key list not refreshed (${(error as Error).message}); using version ${stored?.version ?? 'none'}`);
  }
  if (offered && stored && offered !== stored.json) {
    // a list that is not newer than ours (and not ours) is refused by verifyRelease as a rollback
    const check = verifyKeyList({ keyList: offered, rootPublicKey: deps.config.rootPublicKey, org: deps.config.orgId, lastSeenVersion: stored.version });
    if (check.ok && check.keyList.version === stored.version) offered = stored.json;
  }
  return { offered: offered ?? stored?.json ?? null, stored };
}
