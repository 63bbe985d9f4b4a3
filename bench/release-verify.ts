/**
 * Release verification and bundling speed against the standard tools, measured in the same run:
 *   verify + extract a ~5 MB bundle of ~100 files   vs   `sha256sum` + `tar -xzf` (spawned)
 *   createBundle from a directory                   vs   `tar czf` + `sha256sum` (spawned)
 * Goal: ratio ≤ 1.5×. Run: node --import tsx bench/release-verify.ts
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBundle, createKeyList, extractBundle, generateReleaseKey, generateRootKey, signRelease, verifyRelease } from '@marketplace/release';
import { alternateRuns } from './alternate-runs.js';

const ROUNDS = 9;
const CREATE_ROUNDS = 5;
const FILES = 100;
const FILE_BYTES = 150 * 1024;
const WORDS = 'const let function return import export from await async class extends interface type string number boolean null undefined true false if else for while switch case break continue new this throw try catch finally'.split(' ');

const work = mkdtempSync(join(tmpdir(), 'bench-release-'));
try {
  const appDir = join(work, 'app');
  const manifest = {
    manifestVersion: 1, name: 'bench-app', version: '1.1.0', kind: 'web-dashboard', title: 'Bench app',
    runtime: { name: 'node', version: '20' }, start: ['node', 'server.js'], port: 8080, health: { path: '/healthz' },
    resources: { memoryMb: 256, cpu: 1, diskMb: 200 }, permissions: { network: [], mail: false, filesystem: 'data-dir' },
  };
  mkdirSync(appDir);
  writeFileSync(join(appDir, 'app.json'), JSON.stringify(manifest, null, 2));
  for (let index = 0; index < FILES; index += 1) {
    const dir = join(appDir, `module-${index % 10}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `file-${index}.js`), randomishText(FILE_BYTES));
  }

  const bundle = await createBundle({ dir: appDir });
  const bundlePath = join(work, bundle.fileName);
  writeFileSync(bundlePath, bundle.data);
  const now = new Date();
  const root = generateRootKey({ passphrase: 'benchmark passphrase' });
  const release = generateReleaseKey();
  const keyList = createKeyList({ org: 'acme', releasePublicKey: release.publicKey, rootPrivateKey: { pem: root.privateKey, passphrase: 'benchmark passphrase' }, now });
  const digest = `sha256:${'0'.repeat(64)}`;
  const signed = signRelease(
    {
      app: manifest.name, version: manifest.version, org: 'acme', bundle: { name: bundle.fileName, sha256: bundle.sha256, size: bundle.size },
      specDigest: digest, validationReportDigest: digest, scan: { verdict: 'clean', scanners: [] }, approver: 'bench@acme.example',
      publishedAt: now.toISOString(), expiresAt: new Date(now.getTime() + 86_400_000).toISOString(), keyId: release.keyId,
    },
    release.privateKey,
  );

  let round = 0;
  const [ours, tools] = await compare(
    async () => {
      round += 1;
      const verified = await verifyRelease({ envelope: signed.json, bundle: bundlePath, rootPublicKey: root.publicKey, keyList: keyList.json, expect: { org: 'acme', app: manifest.name, deployedVersion: '1.0.0' }, now });
      if (!verified.ok) throw new Error(`${verified.code}: ${verified.message}`);
      const extracted = await extractBundle(bundlePath, join(work, 'ours', String(round)));
      if (!extracted.ok) throw new Error(`${extracted.code}: ${extracted.message}`);
    },
    async () => {
      round += 1;
      const dest = join(work, 'tools', String(round));
      mkdirSync(dest, { recursive: true });
      run('sha256sum', [bundlePath]);
      run('tar', ['-xzf', bundlePath, '-C', dest]);
    },
  );
  const [oursCreate, toolsCreate] = await compare(
    async () => {
      await createBundle({ dir: appDir });
    },
    async () => {
      run('tar', ['czf', join(work, 'tools.tgz'), '-C', appDir, '.']);
      run('sha256sum', [join(work, 'tools.tgz')]);
    },
    CREATE_ROUNDS,
  );

  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log(`bundle: ${bundle.entries.length} entries, ${mb(bundle.entries.reduce((sum, entry) => sum + entry.size, 0))} expanded, ${mb(bundle.size)} compressed; median of ${ROUNDS} (bundling ${CREATE_ROUNDS}) rounds`);
  console.log(`verify + extract     ${ours.toFixed(1).padStart(7)} ms   sha256sum + tar -xzf ${tools.toFixed(1).padStart(7)} ms   ratio ${(ours / tools).toFixed(2)}×`);
  console.log(`createBundle         ${oursCreate.toFixed(1).padStart(7)} ms   tar czf + sha256sum  ${toolsCreate.toFixed(1).padStart(7)} ms   ratio ${(oursCreate / toolsCreate).toFixed(2)}×`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Median wall times of `rounds` runs of each task after one warm-up, alternating so load changes hit both alike. */
async function compare(ours: () => Promise<void>, baseline: () => Promise<void>, rounds = ROUNDS): Promise<[number, number]> {
  return (await alternateRuns([ours, baseline], rounds)) as [number, number];
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with status ${result.status}`);
}

/** Source-like text: random identifiers and keywords, compressing about 3× like real bundles. */
function randomishText(size: number): string {
  const random = randomBytes(size);
  let text = '';
  for (let index = 0; text.length < size; index += 1) {
    const byte = random[index % random.length]!;
    text += byte < 96 ? `${WORDS[byte % WORDS.length]} ` : byte < 200 ? `${random.subarray(index, index + 4).toString('hex')} ` : byte < 230 ? '\n  ' : '; ';
  }
  return text.slice(0, size);
}
