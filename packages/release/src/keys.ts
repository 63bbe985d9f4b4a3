import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ReleaseError } from './errors.js';

/**
 * A private key: a KeyObject, a PKCS#8 PEM (encrypted or not), or a file holding one.
 * An encrypted PEM needs its passphrase.
 */
export type PrivateKeyInput = KeyObject | string | { pem: string; passphrase?: string } | { path: string; passphrase?: string };

/** A public key: a KeyObject, an SPKI PEM, base64 of the SPKI DER, or the DER bytes. */
export type PublicKeyInput = KeyObject | string | Buffer;

export interface GeneratedKey {
  /** SHA-256 of the SPKI DER public key, lower-case hex; names the key in key lists and signatures. */
  keyId: string;
  /** SPKI PEM. */
  publicKey: string;
  /** PKCS#8 PEM; encrypted (PBES2, AES-256-CBC) when a passphrase was given. */
  privateKey: string;
  /** Human form of the key id, for comparing by eye (see keyFingerprint). */
  fingerprint: string;
}

const MIN_PASSPHRASE_LENGTH = 12;

/**
 * A new organisation root key. The private key is returned only as an encrypted PKCS#8 PEM;
 * keep it offline, it signs nothing but key lists.
 */
export function generateRootKey(options: { passphrase: string }): GeneratedKey {
  if (typeof options?.passphrase !== 'string' || options.passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new ReleaseError('WEAK_PASSPHRASE', `The root key passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long; choose a longer one.`);
  }
  return generateEd25519(options.passphrase);
}

/** A new release-signing key; encrypted when a passphrase is given. */
export function generateReleaseKey(options: { passphrase?: string } = {}): GeneratedKey {
  if (options.passphrase !== undefined && options.passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new ReleaseError('WEAK_PASSPHRASE', `A release key passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long; choose a longer one or none.`);
  }
  return generateEd25519(options.passphrase);
}

function generateEd25519(passphrase: string | undefined): GeneratedKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: passphrase === undefined ? { type: 'pkcs8', format: 'pem' } : { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase },
  });
  return { keyId: keyIdOf(publicKey), publicKey, privateKey, fingerprint: keyFingerprint(publicKey) };
}

/** Loads an Ed25519 private key; errors name the problem (unreadable file, wrong passphrase, not Ed25519). */
export function loadPrivateKey(input: PrivateKeyInput): KeyObject {
  if (isKeyObject(input)) return requireEd25519(input, 'private', 'The private key');
  let pem: string;
  let passphrase: string | undefined;
  let source = 'The private key';
  if (typeof input === 'string') {
    pem = input;
  } else if ('path' in input) {
    source = `The private key file ${input.path}`;
    try {
      pem = readFileSync(input.path, 'utf8');
    } catch (error) {
      throw new ReleaseError('KEY_UNREADABLE', `${source} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the path and its permissions.`, { cause: error });
    }
    passphrase = input.passphrase;
  } else {
    pem = input.pem;
    passphrase = input.passphrase;
  }
  const encrypted = pem.includes('ENCRYPTED PRIVATE KEY');
  if (encrypted && passphrase === undefined) {
    throw new ReleaseError('KEY_PASSPHRASE_REQUIRED', `${source} is encrypted; provide its passphrase.`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(encrypted ? { key: pem, format: 'pem', passphrase } : { key: pem, format: 'pem' });
  } catch (error) {
    if (encrypted) throw new ReleaseError('KEY_PASSPHRASE_WRONG', `${source} could not be decrypted: the passphrase is wrong.`, { cause: error });
    throw new ReleaseError('KEY_UNREADABLE', `${source} is not a PKCS#8 PEM private key (expected "-----BEGIN PRIVATE KEY-----").`, { cause: error });
  }
  return requireEd25519(key, 'private', source);
}

/** Loads an Ed25519 public key from an SPKI PEM, base64 SPKI DER, DER bytes or a KeyObject. */
export function loadPublicKey(input: PublicKeyInput): KeyObject {
  if (isKeyObject(input)) {
    return requireEd25519(input.type === 'private' ? createPublicKey(input) : input, 'public', 'The public key');
  }
  let key: KeyObject;
  try {
    if (Buffer.isBuffer(input)) key = createPublicKey({ key: input, format: 'der', type: 'spki' });
    else if (input.includes('-----BEGIN')) key = createPublicKey({ key: input, format: 'pem' });
    else key = createPublicKey({ key: Buffer.from(input.trim(), 'base64'), format: 'der', type: 'spki' });
  } catch (error) {
    throw new ReleaseError('KEY_UNREADABLE', 'The public key is neither an SPKI PEM nor base64 of an SPKI DER key; copy it again from the marketplace server.', { cause: error });
  }
  return requireEd25519(key, 'public', 'The public key');
}

/** SPKI PEM of a public key (or of the public half of a private key). */
export function exportPublicKey(key: PublicKeyInput): string {
  return loadPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** The key id: SHA-256 of the SPKI DER encoding of the public key, lower-case hex. */
export function keyIdOf(key: PublicKeyInput): string {
  const der = loadPublicKey(key).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/**
 * The key id in a form people compare by eye, e.g. at agent enrolment against the web UI:
 * upper-case hex in 16 groups of 4, such as `3A7F 09C2 … 51DE`.
 */
export function keyFingerprint(key: PublicKeyInput): string {
  return keyIdOf(key).toUpperCase().match(/.{4}/g)!.join(' ');
}

function isKeyObject(value: unknown): value is KeyObject {
  return value instanceof KeyObject;
}

function requireEd25519(key: KeyObject, type: 'public' | 'private', source: string): KeyObject {
  if (key.type !== type || key.asymmetricKeyType !== 'ed25519') {
    throw new ReleaseError('KEY_NOT_ED25519', `${source} is a ${key.asymmetricKeyType ?? key.type} ${key.type} key; marketplace keys are Ed25519 ${type} keys.`);
  }
  return key;
}
