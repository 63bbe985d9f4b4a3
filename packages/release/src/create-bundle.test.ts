import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBundle } from './create-bundle.js';
import { attackManifest, createAttackContext } from './testing/attack-context.js';

const ctx = createAttackContext();
const manifestJson = JSON.stringify(attackManifest(ctx), null, 2);
const files: [string, string | { content: string; mode: number }][] = [
  ['app.json', manifestJson],
  ['server.js', { content: '#!/usr/bin/env node\nconsole.log("hi")\n', mode: 0o755 }],
  ['public/index.html', '<h1>hi</h1>\n'],
  ['public/css/site.css', 'body { margin: 0 }\n'],
  ['README.md', '# readme\n'],
  ['ünïcode.txt', 'ü\n'],
];

const workspace = mkdtempSync(join(tmpdir(), 'release-bundle-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

function tempDir(): string {
  return mkdtempSync(join(workspace, 'case-'));
}

describe('createBundle', () => {
  it('gives the same sha256 for the same files in any order', async () => {
    const first = await createBundle({ files: new Map(files) });
    const reversed = await createBundle({ files: new Map([...files].reverse()) });
    const shuffled = await createBundle({ files: Object.fromEntries([files[3]!, files[0]!, files[5]!, files[1]!, files[4]!, files[2]!]) });
    expect(reversed.sha256).toBe(first.sha256);
    expect(shuffled.sha256).toBe(first.sha256);
    expect(reversed.data.equals(first.data)).toBe(true);
    const changed = await createBundle({ files: new Map([...files, ['README.md', '# readme!\n']]) });
    expect(changed.sha256).not.toBe(first.sha256);
  });

  it('gives the same sha256 in a separate Node.js process', async () => {
    const bundle = await createBundle({ files: new Map(files) });
    const script = `
      import { createBundle } from ${JSON.stringify(join(import.meta.dirname, 'create-bundle.ts'))};
      const files = new Map(JSON.parse(process.env.FILES));
      process.stdout.write((await createBundle({ files })).sha256);`;
    const run = () => execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, FILES: JSON.stringify(files) }, encoding: 'utf8' });
    expect(run()).toBe(bundle.sha256);
  });

  it('writes app.json first, then sorted entries with fixed modes, owners and times, readable by GNU tar', async () => {
    const bundle = await createBundle({ files: new Map(files) });
    expect(bundle.entries.map((entry) => entry.path)).toEqual(['app.json', 'README.md', 'public', 'public/css', 'public/css/site.css', 'public/index.html', 'server.js', 'ünïcode.txt']);
    expect(bundle.fileName).toBe('attack-target-1.1.0.tgz');
    expect(bundle.size).toBe(bundle.data.length);
    const dir = tempDir();
    writeFileSync(join(dir, bundle.fileName), bundle.data);
    const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvzf', join(dir, bundle.fileName)], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toHaveLength(8);
    expect(listing[0]).toMatch(/^-rw-r--r-- 0\/0 .* 1970-01-01 00:00:00 app\.json$/);
    expect(listing.find((line) => line.endsWith(' server.js'))).toMatch(/^-rwxr-xr-x 0\/0 /);
    expect(listing.find((line) => line.endsWith(' public/'))).toMatch(/^drwxr-xr-x 0\/0 /);
    const sums = execFileSync('sha256sum', [join(dir, bundle.fileName)], { encoding: 'utf8' });
    expect(sums.split(' ')[0]).toBe(bundle.sha256);
  });

  it('writes a gzip header without time or name and a fixed OS byte', async () => {
    const { data } = await createBundle({ files: new Map(files) });
    expect([...data.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  });

  it('bundles a directory, keeping the executable bit and empty directories', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'app.json'), manifestJson);
    writeFileSync(join(dir, 'bin', 'start'), '#!/bin/sh\n');
    chmodSync(join(dir, 'bin', 'start'), 0o700);
    writeFileSync(join(dir, 'notes.txt'), 'x');
    chmodSync(join(dir, 'notes.txt'), 0o600);
    const bundle = await createBundle({ dir });
    expect(bundle.entries).toEqual([
      { path: 'app.json', type: 'file', mode: 0o644, size: Buffer.byteLength(manifestJson) },
      { path: 'bin', type: 'directory', mode: 0o755, size: 0 },
      { path: 'bin/start', type: 'file', mode: 0o755, size: 10 },
      { path: 'data', type: 'directory', mode: 0o755, size: 0 },
      { path: 'notes.txt', type: 'file', mode: 0o644, size: 1 },
    ]);
    const fromFiles = await createBundle({ files: new Map<string, string | { content: string; mode: number }>([['app.json', manifestJson], ['bin/start', { content: '#!/bin/sh\n', mode: 0o755 }], ['notes.txt', 'x'], ['data/', '']]) });
    expect(fromFiles.sha256).toBe(bundle.sha256);
  });

  it('refuses input without a valid app.json, with unsafe paths or with symbolic links', async () => {
    await expect(createBundle({ files: new Map([['server.js', 'x']]) })).rejects.toMatchObject({ code: 'MANIFEST_MISSING' });
    await expect(createBundle({ files: new Map([['app.json', '{"name": "x"}']]) })).rejects.toMatchObject({ code: 'MANIFEST_INVALID', message: expect.stringContaining('manifestVersion') });
    await expect(createBundle({ files: new Map([['app.json', manifestJson], ['../x', 'x']]) })).rejects.toMatchObject({ code: 'BUNDLE_INPUT_INVALID', message: expect.stringContaining('".."') });
    await expect(createBundle({ files: new Map([['app.json', manifestJson], ['a', 'x'], ['a/b', 'y']]) })).rejects.toMatchObject({ code: 'BUNDLE_INPUT_INVALID' });
    const dir = tempDir();
    writeFileSync(join(dir, 'app.json'), manifestJson);
    symlinkSync('/etc/passwd', join(dir, 'passwd'));
    await expect(createBundle({ dir })).rejects.toMatchObject({ code: 'BUNDLE_INPUT_INVALID', message: expect.stringContaining('symbolic link') });
    expect(readFileSync(join(dir, 'app.json'), 'utf8')).toBe(manifestJson);
  });
});
