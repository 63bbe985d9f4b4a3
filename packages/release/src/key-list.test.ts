import { describe, expect, it } from 'vitest';
import { createKeyList, renewKeyList, revokeKey, rotateReleaseKey, signKeyList } from './key-list.js';
import { generateReleaseKey, generateRootKey, loadPrivateKey } from './keys.js';
import { verifyKeyList } from './verify-key-list.js';

const passphrase = 'correct horse battery staple';
const now = new Date('2030-01-01T00:00:00Z');

function setUp() {
  const rootGenerated = generateRootKey({ passphrase });
  const root = { pem: rootGenerated.privateKey, passphrase };
  const first = generateReleaseKey();
  const initial = createKeyList({ org: 'acme', releasePublicKey: first.publicKey, rootPrivateKey: root, now });
  return { rootGenerated, root, first, initial };
}

describe('key lists', () => {
  it('starts at version 1 with one active release key and verifies against the pinned root', () => {
    const { rootGenerated, first, initial } = setUp();
    expect(initial.keyList).toMatchObject({ org: 'acme', version: 1, threshold: 1, keys: [{ keyId: first.keyId, status: 'active', purpose: 'release' }] });
    expect(Date.parse(initial.keyList.expiresAt) - now.getTime()).toBe(365 * 24 * 3600 * 1000);
    const verified = verifyKeyList({ keyList: initial.json, rootPublicKey: rootGenerated.publicKey, org: 'acme', now });
    expect(verified).toEqual({ ok: true, keyList: initial.keyList });
  });

  it('rotation adds a new active key and keeps the old one until it is revoked, each change raising the version', () => {
    const { root, first, initial } = setUp();
    const second = generateReleaseKey();
    const rotated = rotateReleaseKey({ keyList: initial.keyList, newPublicKey: second.publicKey, rootPrivateKey: root, now });
    expect(rotated.keyList.version).toBe(2);
    expect(rotated.keyList.keys.map((key) => [key.keyId, key.status])).toEqual([[first.keyId, 'active'], [second.keyId, 'active']]);
    const revoked = revokeKey({ keyList: rotated.keyList, keyId: first.keyId, rootPrivateKey: root, now });
    expect(revoked.keyList.version).toBe(3);
    expect(revoked.keyList.keys[0]).toMatchObject({ keyId: first.keyId, status: 'revoked', revokedAt: now.toISOString() });
    expect(() => revokeKey({ keyList: revoked.keyList, keyId: first.keyId, rootPrivateKey: root })).toThrow(expect.objectContaining({ code: 'KEY_ALREADY_REVOKED' }));
    expect(() => revokeKey({ keyList: revoked.keyList, keyId: 'f'.repeat(64), rootPrivateKey: root })).toThrow(expect.objectContaining({ code: 'KEY_NOT_IN_LIST' }));
    expect(() => rotateReleaseKey({ keyList: revoked.keyList, newPublicKey: second.publicKey, rootPrivateKey: root })).toThrow(expect.objectContaining({ code: 'KEY_ALREADY_LISTED' }));
  });

  it('renewal extends the expiry under a new version', () => {
    const { root, initial } = setUp();
    const later = new Date('2030-06-01T00:00:00Z');
    const renewed = renewKeyList({ keyList: initial.keyList, rootPrivateKey: root, now: later });
    expect(renewed.keyList.version).toBe(2);
    expect(renewed.keyList.expiresAt).toBe(new Date(later.getTime() + 365 * 24 * 3600 * 1000).toISOString());
  });

  it('refuses to sign a list whose key id does not match its key, or that lists the root itself', () => {
    const { rootGenerated, root, initial } = setUp();
    const other = generateReleaseKey();
    const forged = { ...initial.keyList, keys: [{ ...initial.keyList.keys[0]!, publicKey: other.publicKey }] };
    expect(() => signKeyList(forged, root)).toThrow(expect.objectContaining({ code: 'KEYLIST_INVALID', message: expect.stringContaining('does not match its public key') }));
    expect(() => rotateReleaseKey({ keyList: initial.keyList, newPublicKey: rootGenerated.publicKey, rootPrivateKey: loadPrivateKey(root) })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('refuses lists signed by another root, expired, rolled back or of another organisation', () => {
    const { rootGenerated, root, initial } = setUp();
    const otherRoot = generateRootKey({ passphrase });
    const second = rotateReleaseKey({ keyList: initial.keyList, newPublicKey: generateReleaseKey().publicKey, rootPrivateKey: root, now });
    const pinned = rootGenerated.publicKey;
    expect(verifyKeyList({ keyList: initial.json, rootPublicKey: otherRoot.publicKey, now })).toMatchObject({ ok: false, code: 'KEYLIST_UNTRUSTED' });
    expect(verifyKeyList({ keyList: initial.json, rootPublicKey: pinned, now: new Date('2031-01-02T00:00:00Z') })).toMatchObject({ ok: false, code: 'KEYLIST_EXPIRED' });
    expect(verifyKeyList({ keyList: initial.json, rootPublicKey: pinned, now, lastSeenVersion: 2 })).toMatchObject({ ok: false, code: 'KEYLIST_ROLLBACK' });
    expect(verifyKeyList({ keyList: second.json, rootPublicKey: pinned, now, lastSeenVersion: 2 })).toMatchObject({ ok: true });
    expect(verifyKeyList({ keyList: initial.json, rootPublicKey: pinned, now, org: 'globex' })).toMatchObject({ ok: false, code: 'ORG_MISMATCH' });
    expect(verifyKeyList({ keyList: 'garbage', rootPublicKey: pinned, now })).toMatchObject({ ok: false, code: 'KEYLIST_MALFORMED' });
  });
});
