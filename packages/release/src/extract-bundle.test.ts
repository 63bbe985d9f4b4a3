import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBundle } from './create-bundle.js';
import { extractBundle } from './extract-bundle.js';
import { resolveLimits } from './limits.js';
import { attackManifest, createAttackContext } from './testing/attack-context.js';
import { craftTarGz, gzipBytes } from './testing/craft-tar-gz.js';

const ctx = createAttackContext();
const manifestJson = JSON.stringify(attackManifest(ctx));
const workspace = mkdtempSync(join(tmpdir(), 'release-extract-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

let counter = 0;
function freshDir(): string {
  counter += 1;
  const dir = join(workspace, `case-${counter}`);
  mkdirSync(dir);
  return dir;
}

async function appBundle(extra: [string, string | Buffer | { content: string; mode: number }][] = []) {
  return createBundle({ files: new Map([['app.json', manifestJson], ['server.js', { content: '#!/usr/bin/env node\n', mode: 0o755 }], ['lib/util.js', 'export {}\n'], ...extra]) });
}

describe('extractBundle', () => {
  it('unpacks a bundle with normalised modes and returns its manifest', async () => {
    const bundle = await appBundle();
    const dest = join(freshDir(), 'apps', 'attack-target', '1.1.0');
    const result = await extractBundle(bundle.data, dest);
    expect(result).toMatchObject({ ok: true, dir: dest, entries: 4, manifest: { name: 'attack-target', version: '1.1.0', health: { timeoutSeconds: 30 } } });
    expect(readFileSync(join(dest, 'lib', 'util.js'), 'utf8')).toBe('export {}\n');
    expect(statSync(join(dest, 'server.js')).mode & 0o7777).toBe(0o755);
    expect(statSync(join(dest, 'app.json')).mode & 0o7777).toBe(0o644);
    expect(readdirSync(join(dest, '..'))).toEqual(['1.1.0']);
  });

  it('streams files too large to gather in memory, byte for byte', async () => {
    const blob = randomBytes(3 * 1024 * 1024 + 17);
    const bundle = await appBundle([['data/blob.bin', blob]]);
    const dest = join(freshDir(), 'out');
    expect(await extractBundle(bundle.data, dest)).toMatchObject({ ok: true, bytes: blob.length + Buffer.byteLength(manifestJson) + 20 + 10 });
    expect(readFileSync(join(dest, 'data', 'blob.bin')).equals(blob)).toBe(true);
  });

  it('unpacks a bundle made by GNU tar from a directory (./ prefixes, owner names, real times)', async () => {
    const source = freshDir();
    mkdirSync(join(source, 'app', 'public'), { recursive: true });
    writeFileSync(join(source, 'app', 'app.json'), manifestJson);
    writeFileSync(join(source, 'app', 'public', 'index.html'), '<p>hi</p>');
    execFileSync('tar', ['-czf', join(source, 'app.tgz'), '-C', join(source, 'app'), '.']);
    const dest = join(source, 'out');
    const result = await extractBundle(join(source, 'app.tgz'), dest);
    expect(result).toMatchObject({ ok: true, manifest: { name: 'attack-target' } });
    expect(readFileSync(join(dest, 'public', 'index.html'), 'utf8')).toBe('<p>hi</p>');
  });

  it('drops setuid, setgid and sticky bits', async () => {
    const bundle = await craftTarGz([
      { name: 'app.json', body: manifestJson },
      { name: 'bin/run', body: '#!/bin/sh\n', mode: 0o4755 },
      { name: 'shared', type: 'directory', mode: 0o1777 },
    ]);
    const dest = join(freshDir(), 'out');
    expect(await extractBundle(bundle, dest)).toMatchObject({ ok: true });
    expect(statSync(join(dest, 'bin', 'run')).mode & 0o7777).toBe(0o755);
    expect(statSync(join(dest, 'shared')).mode & 0o7777).toBe(0o755);
  });

  it('refuses to unpack over an existing directory and leaves it alone', async () => {
    const bundle = await appBundle();
    const dest = join(freshDir(), '1.1.0');
    mkdirSync(dest);
    writeFileSync(join(dest, 'keep.txt'), 'keep');
    expect(await extractBundle(bundle.data, dest)).toMatchObject({ ok: false, code: 'DEST_EXISTS' });
    expect(readdirSync(dest)).toEqual(['keep.txt']);
  });

  it('on a bad entry after good ones, removes the partial tree and keeps the old version beside it', async () => {
    const appDir = freshDir();
    const old = await appBundle();
    expect(await extractBundle(old.data, join(appDir, '1.0.0'))).toMatchObject({ ok: true });
    const evil = await craftTarGz([{ name: 'app.json', body: manifestJson }, { name: 'lib/a.js', body: 'a' }, { name: 'lib/b.js', body: 'b' }, { name: '../1.0.0/server.js', body: 'owned' }]);
    expect(await extractBundle(evil, join(appDir, '1.1.0'))).toMatchObject({ ok: false, code: 'PATH_TRAVERSAL' });
    expect(readdirSync(appDir)).toEqual(['1.0.0']);
    expect(readFileSync(join(appDir, '1.0.0', 'server.js'), 'utf8')).toBe('#!/usr/bin/env node\n');
  });

  it('moves nothing into place when the bytes do not match the expected sha256', async () => {
    const bundle = await appBundle();
    const dest = join(freshDir(), 'out');
    expect(await extractBundle(bundle.data, dest, {}, { expectedSha256: 'a'.repeat(64) })).toMatchObject({ ok: false, code: 'HASH_MISMATCH' });
    expect(() => statSync(dest)).toThrow();
    expect(await extractBundle(bundle.data, dest, {}, { expectedSha256: bundle.sha256 })).toMatchObject({ ok: true });
  });

  it('names unreadable, non-gzip, non-tar and manifest-less input', async () => {
    const dir = freshDir();
    expect(await extractBundle(join(dir, 'missing.tgz'), join(dir, 'a'))).toMatchObject({ ok: false, code: 'BUNDLE_UNREADABLE', message: expect.stringContaining('ENOENT') });
    expect(await extractBundle(Buffer.from('plain text, not gzip'), join(dir, 'b'))).toMatchObject({ ok: false, code: 'CORRUPT_ARCHIVE' });
    expect(await extractBundle(gzipBytes(randomBytes(2048)), join(dir, 'c'))).toMatchObject({ ok: false, code: 'CORRUPT_ARCHIVE' });
    expect(await extractBundle(await craftTarGz([{ name: 'server.js', body: 'x' }]), join(dir, 'd'))).toMatchObject({ ok: false, code: 'MANIFEST_MISSING' });
    expect(await extractBundle(await craftTarGz([{ name: 'app.json', body: '{"name":' }]), join(dir, 'e'))).toMatchObject({ ok: false, code: 'MANIFEST_INVALID' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('validates the limits it is given', async () => {
    expect(() => resolveLimits({ maxEntries: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_LIMITS', message: expect.stringContaining('maxEntries') }));
    expect(() => resolveLimits({ maxEntrys: 5 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_LIMITS', message: expect.stringContaining('Unknown release limit "maxEntrys"') }));
    await expect(extractBundle(Buffer.alloc(0), join(freshDir(), 'x'), { maxFileBytes: 1.5 })).rejects.toMatchObject({ code: 'INVALID_LIMITS' });
  });

  it('reports a full disk as NO_SPACE, cleans up, and keeps the old version (1 MiB tmpfs; needs root to mount it)', async () => {
    const mountPoint = freshDir();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(`This test mounts a 1 MiB tmpfs to fill the disk for real and needs root (CAP_SYS_ADMIN): ${(error as Error).message}`);
    }
    try {
      const old = await appBundle();
      expect(await extractBundle(old.data, join(mountPoint, '1.0.0'))).toMatchObject({ ok: true });
      const big = await appBundle([['data/blob.bin', randomBytes(2 * 1024 * 1024)]]);
      const result = await extractBundle(big.data, join(mountPoint, '1.1.0'));
      expect(result).toMatchObject({ ok: false, code: 'NO_SPACE', message: expect.stringContaining('full') });
      expect(readdirSync(mountPoint)).toEqual(['1.0.0']);
      expect(readFileSync(join(mountPoint, '1.0.0', 'app.json'), 'utf8')).toBe(manifestJson);
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  });
});
