import * as z from 'zod';
import { type DsseEnvelope, KEYLIST_PAYLOAD_TYPE, signEnvelope } from './dsse.js';
import { ReleaseError } from './errors.js';
import { exportPublicKey, keyIdOf, loadPrivateKey, loadPublicKey, type PrivateKeyInput, type PublicKeyInput } from './keys.js';
import { lazySchema } from './lazy-schema.js';

/**
 * An organisation's key list (TUF-like "targets delegation"): which keys may sign releases,
 * signed by the organisation's root key. Every change raises `version`; agents refuse a list
 * older than one they have seen, and any list past `expiresAt`.
 */
const isoDateTime = lazySchema(() =>
  z.iso.datetime({ offset: true }),
);

export const orgSchema = lazySchema(() =>
  z
    .string()
    .min(1)
    .max(128)
    .regex(/^[a-z0-9][a-z0-9._-]*$/, { message: 'must be an organisation slug such as "acme"' }),
);

export const keyIdSchema = lazySchema(() =>
  z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a key id (64 lower-case hex digits)' }),
);

export const keyListKeySchema = lazySchema(() =>
  z
    .object({
      keyId: keyIdSchema,
      /** SPKI PEM, or base64 of the SPKI DER. */
      publicKey: z.string().min(40).max(4096),
      purpose: z.literal('release'),
      status: z.enum(['active', 'revoked']),
      createdAt: isoDateTime,
      revokedAt: isoDateTime.optional(),
    })
    .strict(),
);

export const keyListSchema = lazySchema(() =>
  z
    .object({
      org: orgSchema,
      version: z.number().int().min(1),
      expiresAt: isoDateTime,
      /** How many distinct active keys must sign a release. */
      threshold: z.number().int().min(1).max(16),
      keys: z.array(keyListKeySchema).min(1).max(64),
    })
    .strict(),
);

export type KeyList = z.infer<typeof keyListSchema>;
export type KeyListKey = z.infer<typeof keyListKeySchema>;

export interface SignedKeyList {
  keyList: KeyList;
  envelope: DsseEnvelope;
  /** The envelope as the JSON text to store, serve and send. */
  json: string;
}

/** Default key list validity: the root must re-sign (renewKeyList) at least this often. */
export const DEFAULT_KEYLIST_VALIDITY_DAYS = 365;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The first key list of an organisation: one active release key, version 1. */
export function createKeyList(options: {
  org: string;
  releasePublicKey: PublicKeyInput;
  rootPrivateKey: PrivateKeyInput;
  now?: Date;
  expiresAt?: Date;
  threshold?: number;
}): SignedKeyList {
  const now = options.now ?? new Date();
  const keyList: KeyList = {
    org: options.org,
    version: 1,
    expiresAt: (options.expiresAt ?? new Date(now.getTime() + DEFAULT_KEYLIST_VALIDITY_DAYS * DAY_MS)).toISOString(),
    threshold: options.threshold ?? 1,
    keys: [newKey(options.releasePublicKey, now)],
  };
  return signKeyList(keyList, options.rootPrivateKey);
}

/** Adds a new active release key (version + 1). The previous keys stay valid until revoked. */
export function rotateReleaseKey(options: { keyList: KeyList; newPublicKey: PublicKeyInput; rootPrivateKey: PrivateKeyInput; now?: Date; expiresAt?: Date }): SignedKeyList {
  const current = checkKeyList(options.keyList);
  const now = options.now ?? new Date();
  const key = newKey(options.newPublicKey, now);
  if (current.keys.some((existing) => existing.keyId === key.keyId)) {
    throw new ReleaseError('KEY_ALREADY_LISTED', `Key ${key.keyId} is already in the key list of ${current.org}; generate a new release key to rotate.`);
  }
  return signKeyList(
    { ...current, version: current.version + 1, expiresAt: nextExpiry(current, now, options.expiresAt), keys: [...current.keys, key] },
    options.rootPrivateKey,
  );
}

/** Marks a key revoked (version + 1): agents refuse every release it signed from then on. */
export function revokeKey(options: { keyList: KeyList; keyId: string; rootPrivateKey: PrivateKeyInput; now?: Date }): SignedKeyList {
  const current = checkKeyList(options.keyList);
  const now = options.now ?? new Date();
  const target = current.keys.find((key) => key.keyId === options.keyId);
  if (!target) throw new ReleaseError('KEY_NOT_IN_LIST', `Key ${options.keyId} is not in the key list of ${current.org}; check the key id.`);
  if (target.status === 'revoked') throw new ReleaseError('KEY_ALREADY_REVOKED', `Key ${options.keyId} was already revoked at ${target.revokedAt ?? 'an unknown time'}.`);
  const keys = current.keys.map((key) => (key.keyId === options.keyId ? { ...key, status: 'revoked' as const, revokedAt: now.toISOString() } : key));
  return signKeyList({ ...current, version: current.version + 1, keys }, options.rootPrivateKey);
}

/** Re-signs the same keys with a later expiry (version + 1). */
export function renewKeyList(options: { keyList: KeyList; rootPrivateKey: PrivateKeyInput; now?: Date; expiresAt?: Date }): SignedKeyList {
  const current = checkKeyList(options.keyList);
  const now = options.now ?? new Date();
  return signKeyList({ ...current, version: current.version + 1, expiresAt: nextExpiry(current, now, options.expiresAt) }, options.rootPrivateKey);
}

/** Validates and signs a key list with the root key. */
export function signKeyList(keyList: KeyList, rootPrivateKey: PrivateKeyInput): SignedKeyList {
  const checked = checkKeyList(keyList);
  const root = loadPrivateKey(rootPrivateKey);
  if (checked.keys.some((key) => key.keyId === keyIdOf(root))) {
    throw new ReleaseError('INVALID_ARGUMENT', 'The root key cannot also be a release key; generate a separate release key.');
  }
  const envelope = signEnvelope(KEYLIST_PAYLOAD_TYPE, Buffer.from(JSON.stringify(checked)), [root]);
  return { keyList: checked, envelope, json: `${JSON.stringify(envelope, null, 2)}\n` };
}

/** Schema check plus: every key id matches its key, no key listed twice, the threshold is reachable. */
export function checkKeyList(input: unknown): KeyList {
  const parsed = keyListSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ReleaseError('KEYLIST_INVALID', `The key list is invalid: ${issue.path.join('.') || '(root)'} ${issue.message}.`);
  }
  const problem = keyListProblem(parsed.data);
  if (problem) throw new ReleaseError('KEYLIST_INVALID', `The key list is invalid: ${problem}.`);
  return parsed.data;
}

/** The first consistency problem of a schema-valid key list, or undefined. */
export function keyListProblem(keyList: KeyList): string | undefined {
  const seen = new Set<string>();
  for (const key of keyList.keys) {
    if (seen.has(key.keyId)) return `key ${key.keyId} is listed twice`;
    seen.add(key.keyId);
    let actual: string;
    try {
      actual = keyIdOf(key.publicKey);
    } catch {
      return `key ${key.keyId} is not an Ed25519 public key`;
    }
    if (actual !== key.keyId) return `key ${key.keyId} does not match its public key (its id is ${actual})`;
    if (key.status === 'revoked' && !key.revokedAt) return `key ${key.keyId} is revoked without revokedAt`;
  }
  if (keyList.threshold > keyList.keys.length) return `threshold ${keyList.threshold} is more than the ${keyList.keys.length} listed keys`;
  return undefined;
}

function newKey(publicKey: PublicKeyInput, now: Date): KeyListKey {
  const key = loadPublicKey(publicKey);
  return { keyId: keyIdOf(key), publicKey: exportPublicKey(key), purpose: 'release', status: 'active', createdAt: now.toISOString() };
}

function nextExpiry(current: KeyList, now: Date, requested: Date | undefined): string {
  if (requested) return requested.toISOString();
  const fresh = now.getTime() + DEFAULT_KEYLIST_VALIDITY_DAYS * DAY_MS;
  return new Date(Math.max(fresh, Date.parse(current.expiresAt))).toISOString();
}
