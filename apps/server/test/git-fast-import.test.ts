import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastImportStream, type ImportFile } from '../src/modules/git-export/fast-import-stream.js';
import { runGit } from '../src/modules/git-export/run-git.js';
import { requireBinary } from './system-binary.js';

const run = promisify(execFile);
const hasGit = !!requireBinary('git', 'git');
const identity = { name: 'Marketplace', email: 'git-export@example.test' };
const file = (path: string, content: string | Buffer, executable = false): ImportFile => ({ path, content: Buffer.from(content), executable });

let work: string;
let repository: string;
const git = async (args: string[]) => (await run('git', ['--git-dir', repository, ...args], { env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }, encoding: 'buffer' })).stdout;
const importCommits = (parent: string | null, commits: Parameters<typeof fastImportStream>[3]) => runGit(['--git-dir', repository, 'fast-import', '--quiet'], { input: fastImportStream('refs/heads/main', parent, identity, commits) });

describe.skipIf(!hasGit)('the export’s git fast-import stream', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'git-fast-import-test-'));
    repository = join(work, 'app.git');
    await runGit(['init', '--quiet', '--bare', '--initial-branch=main', repository]);
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('commits exactly the given files, odd names, binary bytes and executable bits included, and prints each commit id', async () => {
    const binary = Buffer.from([0, 255, 10, 13, 0x64, 0x61, 0x74, 0x61]);
    const output = await importCommits(null, [
      { files: [file('server.js', '#!/usr/bin/env node\n', true), file('say "hi"\\now.txt', 'quoted\n'), file('line\nbreak.txt', 'newline\n'), file('lib/data.bin', binary)], message: 'App 1.0.0\n\nFirst.\n', date: 1_700_000_000 },
    ]);
    const [commit] = output.split('\n').filter(Boolean);
    expect((await git(['rev-parse', 'refs/heads/main'])).toString().trim()).toBe(commit);
    const tree = (await git(['ls-tree', '-r', '-z', 'main'])).toString().split('\0').filter(Boolean).map((line) => `${line.split(' ')[0]} ${line.split('\t')[1]}`);
    expect(tree.sort()).toEqual(['100644 lib/data.bin', '100644 line\nbreak.txt', '100644 say "hi"\\now.txt', '100755 server.js'].sort());
    expect(Buffer.compare(await git(['cat-file', 'blob', 'main:lib/data.bin']), binary)).toBe(0);
    expect((await git(['log', '-1', '--format=%an <%ae> %at%n%B', 'main'])).toString()).toBe('Marketplace <git-export@example.test> 1700000000\nApp 1.0.0\n\nFirst.\n\n');
  });

  it('adds later versions on top of the branch, each tree without the files the version before had', async () => {
    const parent = (await git(['rev-parse', 'refs/heads/main'])).toString().trim();
    const ids = (await importCommits(parent, [
      { files: [file('server.js', 'v2\n', true)], message: 'App 1.1.0\n', date: 1_700_000_100 },
      { files: [file('server.js', 'v3\n'), file('README.md', 'read me\n')], message: 'App 1.2.0\n', date: 1_700_000_200 },
    ])).split('\n').filter(Boolean);
    expect(ids).toHaveLength(2);
    expect((await git(['log', '--format=%H %s', 'main'])).toString().trim().split('\n')).toEqual([`${ids[1]} App 1.2.0`, `${ids[0]} App 1.1.0`, `${parent} App 1.0.0`]);
    expect((await git(['ls-tree', '-r', '--name-only', ids[0]!])).toString()).toBe('server.js\n');
    expect((await git(['ls-tree', '-r', 'main'])).toString()).toMatch(/^100644 blob \w+\tREADME.md\n100644 blob \w+\tserver.js\n$/);
  });

  it('leaves the branch alone when it moved since the export read it: no history is overwritten', async () => {
    const tip = (await git(['rev-parse', 'refs/heads/main'])).toString().trim();
    const stale = (await git(['rev-parse', 'refs/heads/main~2'])).toString().trim();
    await expect(importCommits(stale, [{ files: [file('server.js', 'late\n')], message: 'App 9.9.9\n', date: 1_700_000_300 }])).rejects.toThrow(/fast-import failed/);
    expect((await git(['rev-parse', 'refs/heads/main'])).toString().trim()).toBe(tip);
  });
});
