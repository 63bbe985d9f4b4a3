import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateReleaseKey, generateRootKey, keyFingerprint, keyIdOf, loadPrivateKey, loadPublicKey } from './keys.js';

const passphrase = 'correct horse battery staple';
const workspace = mkdtempSync(join(tmpdir(), 'release-keys-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('organisation keys', () => {
  it('returns the root private key only as an encrypted PKCS#8 PEM that OpenSSL can open with the passphrase', () => {
    const root = generateRootKey({ passphrase });
    expect(root.privateKey).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    const dir = mkdtempSync(join(workspace, 'case-'));
    writeFileSync(join(dir, 'root.pem'), root.privateKey);
    const publicFromOpenssl = execFileSync('openssl', ['pkey', '-in', join(dir, 'root.pem'), '-passin', `pass:${passphrase}`, '-pubout'], { encoding: 'utf8' });
    expect(keyIdOf(publicFromOpenssl)).toBe(root.keyId);
    expect(() => execFileSync('openssl', ['pkey', '-in', join(dir, 'root.pem'), '-passin', 'pass:wrong passphrase!', '-noout'], { stdio: 'pipe' })).toThrow();
  });

  it('refuses a short root passphrase', () => {
    expect(() => generateRootKey({ passphrase: 'short' })).toThrow(expect.objectContaining({ code: 'WEAK_PASSPHRASE' }));
  });

  it('loads an encrypted key with its passphrase and names a wrong or missing one', () => {
    const root = generateRootKey({ passphrase });
    expect(keyIdOf(loadPrivateKey({ pem: root.privateKey, passphrase }))).toBe(root.keyId);
    expect(() => loadPrivateKey({ pem: root.privateKey, passphrase: 'not the passphrase' })).toThrow(expect.objectContaining({ code: 'KEY_PASSPHRASE_WRONG' }));
    expect(() => loadPrivateKey(root.privateKey)).toThrow(expect.objectContaining({ code: 'KEY_PASSPHRASE_REQUIRED' }));
  });

  it('loads an unencrypted key an administrator made with OpenSSL from a file path', () => {
    const dir = mkdtempSync(join(workspace, 'case-'));
    const path = join(dir, 'release.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', path]);
    const publicPem = execFileSync('openssl', ['pkey', '-in', path, '-pubout'], { encoding: 'utf8' });
    expect(keyIdOf(loadPrivateKey({ path }))).toBe(keyIdOf(publicPem));
    expect(() => loadPrivateKey({ path: join(dir, 'missing.pem') })).toThrow(expect.objectContaining({ code: 'KEY_UNREADABLE', message: expect.stringContaining('ENOENT') }));
  });

  it('refuses keys that are not Ed25519', () => {
    const dir = mkdtempSync(join(workspace, 'case-'));
    const path = join(dir, 'rsa.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', path], { stdio: 'pipe' });
    expect(() => loadPrivateKey({ path })).toThrow(expect.objectContaining({ code: 'KEY_NOT_ED25519' }));
  });

  it('accepts a public key as SPKI PEM or base64 DER, with the same id and fingerprint', () => {
    const key = generateReleaseKey();
    const der = loadPublicKey(key.publicKey).export({ type: 'spki', format: 'der' });
    expect(keyIdOf(der.toString('base64'))).toBe(key.keyId);
    expect(keyFingerprint(der)).toBe(key.fingerprint);
    expect(() => loadPublicKey('not a key')).toThrow(expect.objectContaining({ code: 'KEY_UNREADABLE' }));
  });

  it('prints fingerprints as 16 groups of 4 upper-case hex digits of the key id', () => {
    const key = generateReleaseKey();
    expect(key.fingerprint).toMatch(/^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
    expect(key.fingerprint.replaceAll(' ', '').toLowerCase()).toBe(key.keyId);
    expect(generateReleaseKey().fingerprint).not.toBe(key.fingerprint);
  });
});
