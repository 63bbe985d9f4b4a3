import { createHash, type KeyObject } from 'node:crypto';
import type { AppManifestInput } from '../app-manifest.js';
import { DEFAULT_MANIFEST_POLICY, type ManifestPolicy } from '../check-manifest-policy.js';
import { type DsseEnvelope, RELEASE_PAYLOAD_TYPE, signEnvelope } from '../dsse.js';
import { createKeyList, revokeKey, rotateReleaseKey, type SignedKeyList } from '../key-list.js';
import { exportPublicKey, generateReleaseKey, keyFingerprint, keyIdOf, loadPrivateKey } from '../keys.js';
import { type ReleaseLimits, resolveLimits } from '../limits.js';
import { bundleFileName, RELEASE_STATEMENT_TYPE, type ReleaseStatementInput } from '../release-statement.js';
import type { VerifyExpectations } from '../verify-release.js';

/**
 * Everything an attack case is built from: an organisation with a pinned root, a key list that
 * went through a rotation and a revocation (version 3), an app deployed at 1.0.0, a policy and
 * small limits. Pass `rootPublicKey`, `now` and `limits` to verifyRelease and extractBundle.
 */
export interface AttackContext {
  org: string;
  app: string;
  now: Date;
  deployedVersion: string;
  /** The version a fresh, valid release carries. */
  nextVersion: string;
  rootPublicKey: string;
  rootFingerprint: string;
  /** The current signed key list (JSON) and its version. */
  keyList: string;
  keyListVersion: number;
  policy: ManifestPolicy;
  limits: ReleaseLimits;
  /** Private material, for building cases only. */
  secrets: {
    root: KeyObject;
    /** The active release key. */
    release: KeyObject;
    /** A release key that was active in key list version 2 and revoked in version 3. */
    revokedRelease: KeyObject;
    /** A key the organisation never listed. */
    stranger: KeyObject;
    /** The root of another organisation. */
    otherRoot: KeyObject;
    keyLists: { v1: SignedKeyList; v2: SignedKeyList; v3: SignedKeyList };
  };
}

export interface AttackContextOptions {
  org?: string;
  app?: string;
  now?: Date;
  limits?: Partial<ReleaseLimits>;
}

const MiB = 1024 * 1024;

/** Small limits so the size attacks stay quick: 4 MiB bundles, 8 MiB expanded, 2 MiB per file. */
export const ATTACK_LIMITS: Partial<ReleaseLimits> = {
  maxBundleBytes: 4 * MiB,
  maxExpandedBytes: 8 * MiB,
  maxFileBytes: 2 * MiB,
  maxEntries: 200,
  maxCompressionRatio: 50,
  ratioCheckAfterBytes: 1 * MiB,
};

export function createAttackContext(options: AttackContextOptions = {}): AttackContext {
  const now = options.now ?? new Date();
  const org = options.org ?? 'acme';
  const key = () => loadPrivateKey(generateReleaseKey().privateKey);
  const root = key();
  const revokedRelease = key();
  const release = key();
  const v1 = createKeyList({ org, releasePublicKey: revokedRelease, rootPrivateKey: root, now: hoursFrom(now, -72) });
  const v2 = rotateReleaseKey({ keyList: v1.keyList, newPublicKey: release, rootPrivateKey: root, now: hoursFrom(now, -48) });
  const v3 = revokeKey({ keyList: v2.keyList, keyId: keyIdOf(revokedRelease), rootPrivateKey: root, now: hoursFrom(now, -24) });
  return {
    org,
    app: options.app ?? 'attack-target',
    now,
    deployedVersion: '1.0.0',
    nextVersion: '1.1.0',
    rootPublicKey: exportPublicKey(root),
    rootFingerprint: keyFingerprint(root),
    keyList: v3.json,
    keyListVersion: v3.keyList.version,
    policy: { ...DEFAULT_MANIFEST_POLICY, networkHosts: ['*.corp.example'], ports: { min: 1024, max: 65535 } },
    limits: resolveLimits({ ...ATTACK_LIMITS, ...options.limits }),
    secrets: { root, release, revokedRelease, stranger: key(), otherRoot: key(), keyLists: { v1, v2, v3 } },
  };
}

/** A valid app.json for the context's app, with overrides. */
export function attackManifest(ctx: AttackContext, overrides: Partial<AppManifestInput> = {}): AppManifestInput {
  return {
    manifestVersion: 1,
    name: ctx.app,
    version: ctx.nextVersion,
    kind: 'api-service',
    title: 'Attack target',
    runtime: { name: 'node', version: '20' },
    start: ['node', 'server.js'],
    port: 8080,
    health: { path: '/healthz' },
    resources: { memoryMb: 128, cpu: 0.5, diskMb: 50 },
    permissions: { network: [], mail: false, filesystem: 'data-dir' },
    ...overrides,
  };
}

/** The statement a legitimate server would sign for `bundle`, with overrides. */
export function attackStatement(ctx: AttackContext, bundle: Buffer, overrides: Partial<ReleaseStatementInput> = {}): ReleaseStatementInput {
  const app = overrides.app ?? ctx.app;
  const version = overrides.version ?? ctx.nextVersion;
  const digest = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
  return {
    _type: RELEASE_STATEMENT_TYPE,
    app,
    version,
    org: ctx.org,
    bundle: { name: bundleFileName(app, version), sha256: createHash('sha256').update(bundle).digest('hex'), size: bundle.length },
    specDigest: digest(`spec of ${app}`),
    validationReportDigest: digest(`validation of ${app} ${version}`),
    scan: { verdict: 'clean', scanners: [{ name: 'secrets', verdict: 'clean' }] },
    approver: 'approver@acme.example',
    publishedAt: hoursFrom(ctx.now, -1).toISOString(),
    expiresAt: hoursFrom(ctx.now, 24 * 30).toISOString(),
    keyId: keyIdOf(ctx.secrets.release),
    ...overrides,
  };
}

/**
 * Signs any statement-like object as an envelope, bypassing the checks signRelease makes, so
 * cases can carry statements a careful server would never sign.
 */
export function signRaw(payload: unknown, keys: KeyObject[], payloadType: string = RELEASE_PAYLOAD_TYPE): DsseEnvelope {
  return signEnvelope(payloadType, Buffer.from(JSON.stringify(payload)), keys);
}

/** The expectations a correctly configured agent passes for the context's app. */
export function attackExpectations(ctx: AttackContext): VerifyExpectations {
  return { org: ctx.org, app: ctx.app, deployedVersion: ctx.deployedVersion, policy: ctx.policy };
}

export function hoursFrom(date: Date, hours: number): Date {
  return new Date(date.getTime() + hours * 60 * 60 * 1000);
}
