import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBundle } from './create-bundle.js';
import { createKeyList, revokeKey, rotateReleaseKey } from './key-list.js';
import { generateReleaseKey, generateRootKey, keyIdOf, loadPrivateKey } from './keys.js';
import { signRelease } from './sign-release.js';
import { attackManifest, attackStatement, createAttackContext } from './testing/attack-context.js';
import { verifyRelease, type VerifyReleaseInput } from './verify-release.js';

const passphrase = 'correct horse battery staple';
const ctx = createAttackContext({ now: new Date('2030-03-01T12:00:00Z') });
const workspace = mkdtempSync(join(tmpdir(), 'release-verify-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** The server's side, as it will run: root and release keys, key list, bundle, statement, signature. */
async function publish() {
  const root = generateRootKey({ passphrase });
  const rootKey = { pem: root.privateKey, passphrase };
  const release = generateReleaseKey();
  const keyList = createKeyList({ org: ctx.org, releasePublicKey: release.publicKey, rootPrivateKey: rootKey, now: ctx.now });
  const bundle = await createBundle({ files: { 'app.json': JSON.stringify(attackManifest(ctx)), 'server.js': 'console.log(1)\n' } });
  const signed = signRelease(attackStatement(ctx, bundle.data, { keyId: release.keyId, changelog: 'First release.' }), release.privateKey);
  return { root, rootKey, release, keyList, bundle, signed };
}

function input(published: Awaited<ReturnType<typeof publish>>, overrides: Partial<VerifyReleaseInput> = {}): VerifyReleaseInput {
  return {
    envelope: published.signed.json,
    bundle: published.bundle.data,
    rootPublicKey: published.root.publicKey,
    keyList: published.keyList.json,
    expect: { org: ctx.org, app: ctx.app, deployedVersion: '1.0.0' },
    now: ctx.now,
    ...overrides,
  };
}

describe('verifyRelease', () => {
  it('accepts a release published with the package end to end, from memory and from a file', async () => {
    const published = await publish();
    expect(published.signed.fileName).toBe('attack-target-1.1.0.release.json');
    const fromMemory = await verifyRelease(input(published));
    expect(fromMemory).toMatchObject({ ok: true, keyId: published.release.keyId, statement: { app: ctx.app, version: '1.1.0', changelog: 'First release.' }, keyList: { version: 1 }, manifest: { name: ctx.app } });
    const path = join(workspace, published.bundle.fileName);
    writeFileSync(path, published.bundle.data);
    expect(await verifyRelease(input(published, { bundle: path, envelope: Buffer.from(published.signed.json) }))).toMatchObject({ ok: true });
  });

  it('keeps accepting the old key after a rotation until it is revoked', async () => {
    const published = await publish();
    const rotated = rotateReleaseKey({ keyList: published.keyList.keyList, newPublicKey: generateReleaseKey().publicKey, rootPrivateKey: published.rootKey, now: ctx.now });
    expect(await verifyRelease(input(published, { keyList: rotated.json, lastKeyListVersion: 1 }))).toMatchObject({ ok: true, keyList: { version: 2 } });
    const revoked = revokeKey({ keyList: rotated.keyList, keyId: published.release.keyId, rootPrivateKey: published.rootKey, now: ctx.now });
    expect(await verifyRelease(input(published, { keyList: revoked.json, lastKeyListVersion: 2 }))).toMatchObject({ ok: false, code: 'KEY_REVOKED' });
  });

  it('requires as many distinct active signers as the key list threshold', async () => {
    const published = await publish();
    const second = generateReleaseKey();
    const rotated = rotateReleaseKey({ keyList: published.keyList.keyList, newPublicKey: second.publicKey, rootPrivateKey: published.rootKey, now: ctx.now });
    const { signKeyList } = await import('./key-list.js');
    const twoOfTwo = signKeyList({ ...rotated.keyList, version: 3, threshold: 2 }, published.rootKey);
    const statement = attackStatement(ctx, published.bundle.data, { keyId: published.release.keyId });
    const once = signRelease(statement, published.release.privateKey);
    const sameKeyTwice = signRelease(statement, [published.release.privateKey, published.release.privateKey]);
    const both = signRelease(statement, [published.release.privateKey, second.privateKey]);
    const run = (json: string) => verifyRelease(input(published, { envelope: json, keyList: twoOfTwo.json }));
    expect(await run(once.json)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID', message: expect.stringContaining('requires 2') });
    expect(await run(sameKeyTwice.json)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(await run(both.json)).toMatchObject({ ok: true });
  });

  it('refuses bundle files that are missing, not regular files, or of the wrong size', async () => {
    const published = await publish();
    const dir = join(workspace, 'files');
    mkdirSync(dir);
    expect(await verifyRelease(input(published, { bundle: join(dir, 'missing.tgz') }))).toMatchObject({ ok: false, code: 'BUNDLE_UNREADABLE', message: expect.stringContaining('ENOENT') });
    expect(await verifyRelease(input(published, { bundle: dir }))).toMatchObject({ ok: false, code: 'BUNDLE_UNREADABLE' });
    writeFileSync(join(dir, 'short.tgz'), published.bundle.data.subarray(0, 100));
    expect(await verifyRelease(input(published, { bundle: join(dir, 'short.tgz') }))).toMatchObject({ ok: false, code: 'SIZE_MISMATCH', message: expect.stringContaining('100 bytes') });
  });

  it('refuses a statement naming another key than the one that signed it', async () => {
    const published = await publish();
    const { signRaw } = await import('./testing/attack-context.js');
    const statement = { ...attackStatement(ctx, published.bundle.data), keyId: 'e'.repeat(64) };
    const envelope = JSON.stringify(signRaw(statement, [loadPrivateKey(published.release.privateKey)]));
    expect(await verifyRelease(input(published, { envelope }))).toMatchObject({ ok: false, code: 'STATEMENT_MALFORMED' });
  });

  it('treats a missing organisation or a bad deployed version as a programming error', async () => {
    const published = await publish();
    await expect(verifyRelease(input(published, { expect: { org: ctx.org, deployedVersion: 'latest' } }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(verifyRelease(input(published, { expect: { org: '' } }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('expect.org') });
  });
});

describe('signRelease', () => {
  it('refuses statements that are invalid or name another key', async () => {
    const published = await publish();
    const statement = attackStatement(ctx, published.bundle.data, { keyId: published.release.keyId });
    expect(() => signRelease({ ...statement, bundle: { ...statement.bundle, name: 'other-1.0.0.tgz' } }, published.release.privateKey)).toThrow(
      expect.objectContaining({ code: 'STATEMENT_INVALID', message: expect.stringContaining('bundle.name') }),
    );
    expect(() => signRelease({ ...statement, expiresAt: statement.publishedAt }, published.release.privateKey)).toThrow(expect.objectContaining({ code: 'STATEMENT_INVALID' }));
    const other = generateReleaseKey();
    expect(() => signRelease(statement, other.privateKey)).toThrow(expect.objectContaining({ code: 'KEY_ID_MISMATCH', message: expect.stringContaining(keyIdOf(other.publicKey)) }));
  });
});
