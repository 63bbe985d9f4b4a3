import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { AppManifest } from './app-manifest.js';
import { checkManifestPolicy, type ManifestPolicy } from './check-manifest-policy.js';
import { parseEnvelope, RELEASE_PAYLOAD_TYPE } from './dsse.js';
import { failure, type Failure, ReleaseError } from './errors.js';
import type { KeyList } from './key-list.js';
import { shortKeyId } from './key-text.js';
import type { PublicKeyInput } from './keys.js';
import { checkSignatures } from './check-signatures.js';
import { type ReleaseLimits, resolveLimits } from './limits.js';
import { type ManifestFailureCode, readBundleManifest } from './read-bundle-manifest.js';
import { type ReleaseStatement, releaseStatementSchema } from './release-statement.js';
import { type KeyListFailureCode, verifyKeyList } from './verify-key-list.js';

export type VerifyFailureCode =
  | 'MALFORMED_ENVELOPE'
  | 'WRONG_PAYLOAD_TYPE'
  | KeyListFailureCode
  | 'KEY_UNKNOWN'
  | 'KEY_REVOKED'
  | 'SIGNATURE_INVALID'
  | 'STATEMENT_MALFORMED'
  | 'STATEMENT_EXPIRED'
  | 'ORG_MISMATCH'
  | 'APP_MISMATCH'
  | 'VERSION_NOT_NEWER'
  | 'BUNDLE_TOO_LARGE'
  | 'BUNDLE_UNREADABLE'
  | 'SIZE_MISMATCH'
  | 'HASH_MISMATCH'
  | ManifestFailureCode
  | 'POLICY_VIOLATION';

export interface VerifyExpectations {
  /** The organisation this agent is enrolled with. */
  org: string;
  /** The app the delivery claims to be (mail headers, file name); the statement must agree. */
  app?: string;
  /** The version deployed now; the release must be strictly newer (semver). */
  deployedVersion?: string;
  /** Organisation policy the bundle's app.json must satisfy. */
  policy?: Partial<ManifestPolicy>;
}

export interface VerifyReleaseInput {
  /** `<name>-<version>.release.json`: the DSSE envelope JSON. */
  envelope: string | Buffer;
  /** `<name>-<version>.tgz`: the bytes, or a path to the file (hashed as a stream). */
  bundle: Buffer | string;
  /** The organisation root public key pinned at enrolment. */
  rootPublicKey: PublicKeyInput;
  /** The organisation key list, signed by the root (DSSE envelope JSON). */
  keyList: string | Buffer;
  /** The highest key list version this agent has seen; an older list is refused. */
  lastKeyListVersion?: number;
  expect: VerifyExpectations;
  now?: Date;
  limits?: Partial<ReleaseLimits>;
}

export interface VerifiedRelease {
  ok: true;
  statement: ReleaseStatement;
  /** The release key whose signature was accepted first. */
  keyId: string;
  /** The verified key list; remember its version to refuse rollbacks. */
  keyList: KeyList;
  /** The bundle's app.json. */
  manifest: AppManifest;
}

export type VerifyReleaseResult = VerifiedRelease | Failure<VerifyFailureCode>;

const DISCARD = 'Do not install this release; report it to your marketplace administrator.';

/**
 * Verifies a release before anything of it is used: the key list against the pinned root, the
 * envelope signature against the key list, and only then the statement (expiry, organisation,
 * app, version) and the bundle (size, hash, app.json, policy). Every failure has its own code.
 *
 * When the bundle is a file, pass `statement.bundle.sha256` to extractBundle as `expectedSha256`
 * so a file changed between verification and extraction is not installed.
 */
export async function verifyRelease(input: VerifyReleaseInput): Promise<VerifyReleaseResult> {
  const limits = resolveLimits(input.limits);
  const now = input.now ?? new Date();
  if (typeof input.expect?.org !== 'string' || input.expect.org === '') {
    throw new ReleaseError('INVALID_ARGUMENT', 'verifyRelease needs expect.org: the organisation this agent is enrolled with.');
  }
  // loaded on first use: the deploy agent keeps semver (its regular expressions are built on load) out of its idle memory (decision 0053)
  const { default: semver } = await import('semver');
  if (input.expect.deployedVersion !== undefined && semver.valid(input.expect.deployedVersion) === null) {
    throw new ReleaseError('INVALID_ARGUMENT', `expect.deployedVersion must be a semantic version such as 1.2.0: got "${input.expect.deployedVersion}".`);
  }

  const parsed = parseEnvelope(input.envelope, limits.maxEnvelopeBytes, limits.maxSignatures);
  if (!parsed.ok) return failure('MALFORMED_ENVELOPE', `The release file is not a valid signed release: ${parsed.reason}. Ask for the release to be sent again.`);
  const { envelope, payload } = parsed;
  if (envelope.payloadType !== RELEASE_PAYLOAD_TYPE) {
    return failure('WRONG_PAYLOAD_TYPE', `The release file holds a "${envelope.payloadType}" document, not a marketplace release (${RELEASE_PAYLOAD_TYPE}). ${DISCARD}`);
  }

  const keys = verifyKeyList({ keyList: input.keyList, rootPublicKey: input.rootPublicKey, lastSeenVersion: input.lastKeyListVersion, org: input.expect.org, now, maxBytes: limits.maxKeyListBytes });
  if (!keys.ok) return keys;
  const keyList = keys.keyList;

  const signers = checkSignatures(envelope.payloadType, payload, envelope.signatures, keyList, 'release');
  if (!signers.ok) return signers;

  let statement: ReleaseStatement;
  try {
    const result = releaseStatementSchema.safeParse(JSON.parse(payload.toString('utf8')));
    if (!result.success) {
      const issue = result.error.issues[0]!;
      return failure('STATEMENT_MALFORMED', `The signed release statement is invalid: ${issue.path.join('.') || '(root)'} ${issue.message}. ${DISCARD}`);
    }
    statement = result.data;
  } catch {
    return failure('STATEMENT_MALFORMED', `The signed release statement is not JSON. ${DISCARD}`);
  }
  if (!signers.keyIds.includes(statement.keyId)) {
    return failure('STATEMENT_MALFORMED', `The statement names key ${shortKeyId(statement.keyId)} but is signed by ${signers.keyIds.map(shortKeyId).join(', ')}. ${DISCARD}`);
  }
  const release = `${statement.app} ${statement.version}`;
  if (Date.parse(statement.expiresAt) <= now.getTime()) {
    return failure('STATEMENT_EXPIRED', `The release ${release} expired at ${statement.expiresAt} (the organisation froze it). Ask for a current release.`);
  }
  if (statement.org !== input.expect.org || statement.org !== keyList.org) {
    return failure('ORG_MISMATCH', `The release ${release} was issued for organisation "${statement.org}", but this agent is enrolled with "${input.expect.org}". ${DISCARD}`);
  }
  if (input.expect.app !== undefined && statement.app !== input.expect.app) {
    return failure('APP_MISMATCH', `The release statement is for app "${statement.app}", but it was delivered as "${input.expect.app}". ${DISCARD}`);
  }
  const deployed = input.expect.deployedVersion;
  if (deployed !== undefined && !semver.gt(statement.version, deployed)) {
    const why = semver.eq(statement.version, deployed) ? 'is already deployed' : `is older than the deployed ${deployed}`;
    return failure('VERSION_NOT_NEWER', `${release} ${why}; releases only move forward. Remove the app first to install an older version on purpose.`);
  }

  const bundle = await measureBundle(input.bundle, statement, limits);
  if (!bundle.ok) return bundle;

  const manifest = await readBundleManifest(input.bundle, limits);
  if (!manifest.ok) return manifest;
  if (manifest.manifest.name !== statement.app || manifest.manifest.version !== statement.version) {
    return failure('APP_MISMATCH', `The signed statement is for ${release}, but the bundle's app.json is ${manifest.manifest.name} ${manifest.manifest.version}. ${DISCARD}`);
  }
  if (input.expect.policy) {
    const policy = checkManifestPolicy(manifest.manifest, input.expect.policy);
    if (!policy.ok) return failure('POLICY_VIOLATION', policy.message);
  }
  return { ok: true, statement, keyId: signers.keyIds[0]!, keyList, manifest: manifest.manifest };
}

type Measured = { ok: true } | Failure<'BUNDLE_TOO_LARGE' | 'BUNDLE_UNREADABLE' | 'SIZE_MISMATCH' | 'HASH_MISMATCH'>;

/** Size first (cheap), then SHA-256; files are streamed and never read past the expected size. */
async function measureBundle(bundle: Buffer | string, statement: ReleaseStatement, limits: ReleaseLimits): Promise<Measured> {
  const name = statement.bundle.name;
  const expected = statement.bundle.size;
  if (expected > limits.maxBundleBytes) {
    return failure('BUNDLE_TOO_LARGE', `${name} is ${expected} bytes, more than the ${limits.maxBundleBytes} this agent accepts. Ask an administrator to raise the limit if the app really is that large.`);
  }
  const tooLarge = (size: number) =>
    failure('BUNDLE_TOO_LARGE', `The bundle received as ${name} is ${size} bytes, more than the ${limits.maxBundleBytes} this agent accepts. ${DISCARD}`);
  const wrongSize = (size: string) =>
    failure('SIZE_MISMATCH', `The bundle received as ${name} is ${size} bytes, but the signed release says ${expected}: it was truncated or altered. Ask for the release to be sent again.`);
  const hash = createHash('sha256');
  if (Buffer.isBuffer(bundle)) {
    if (bundle.length > limits.maxBundleBytes) return tooLarge(bundle.length);
    if (bundle.length !== expected) return wrongSize(String(bundle.length));
    hash.update(bundle);
  } else {
    let handle;
    try {
      handle = await open(bundle, 'r');
    } catch (error) {
      return failure('BUNDLE_UNREADABLE', `The bundle file ${bundle} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); check that it exists and is readable.`);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) return failure('BUNDLE_UNREADABLE', `The bundle ${bundle} is not a regular file. ${DISCARD}`);
      if (info.size > limits.maxBundleBytes) return tooLarge(info.size);
      if (info.size !== expected) return wrongSize(String(info.size));
      let read = 0;
      for await (const chunk of handle.createReadStream({ start: 0, end: expected, autoClose: false, highWaterMark: 256 * 1024 })) {
        read += (chunk as Buffer).length;
        hash.update(chunk as Buffer);
      }
      if (read !== expected) return wrongSize(read > expected ? `more than ${expected}` : String(read));
    } finally {
      await handle.close();
    }
  }
  const actual = hash.digest('hex');
  if (actual !== statement.bundle.sha256) {
    return failure('HASH_MISMATCH', `The bundle's SHA-256 is ${actual}, but the signed release says ${statement.bundle.sha256}: the bundle was altered. ${DISCARD}`);
  }
  return { ok: true };
}
