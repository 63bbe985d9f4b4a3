/**
 * What checking the delivery statement costs on top of verifying and extracting a release:
 *   A = verifyRelease + extractBundle of a ~5 MB bundle of incompressible files
 *   B = the same + verifyDelivery (the agent's full check before it deploys)
 * A and B alternate so load changes hit both alike. Goal: B/A ≤ 1.10 (p50).
 * Run: node --import tsx bench/release-delivery-verify.ts [--runs 20]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBundle, createKeyList, extractBundle, generateReleaseKey, generateRootKey, signDelivery, signRelease, verifyDelivery, verifyRelease } from '@marketplace/release';
import { alternateRuns, wholeNumberOption } from './alternate-runs.js';

const GOAL = 1.1;
const FILES = 5;
const FILE_BYTES = 1024 * 1024;
const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = wholeNumberOption('runs', values.runs, 10_000);

const work = mkdtempSync(join(tmpdir(), 'bench-delivery-'));
try {
  const appDir = join(work, 'app');
  const manifest = {
    manifestVersion: 1, name: 'bench-app', version: '1.1.0', kind: 'web-dashboard', title: 'Bench app',
    runtime: { name: 'node', version: '20' }, start: ['node', 'server.js'], port: 8080, health: { path: '/healthz' },
    resources: { memoryMb: 256, cpu: 1, diskMb: 200 }, permissions: { network: [], mail: false, filesystem: 'data-dir' },
  };
  mkdirSync(join(appDir, 'assets'), { recursive: true });
  writeFileSync(join(appDir, 'app.json'), JSON.stringify(manifest, null, 2));
  for (let index = 0; index < FILES; index += 1) writeFileSync(join(appDir, 'assets', `blob-${index}.bin`), randomBytes(FILE_BYTES));

  const bundle = await createBundle({ dir: appDir });
  const bundlePath = join(work, bundle.fileName);
  writeFileSync(bundlePath, bundle.data);
  const now = new Date();
  const root = generateRootKey({ passphrase: 'benchmark passphrase' });
  const release = generateReleaseKey();
  const keyList = createKeyList({ org: 'acme', releasePublicKey: release.publicKey, rootPrivateKey: { pem: root.privateKey, passphrase: 'benchmark passphrase' }, now });
  const digest = `sha256:${'0'.repeat(64)}`;
  const expiresAt = new Date(now.getTime() + 86_400_000).toISOString();
  const signed = signRelease(
    {
      app: manifest.name, version: manifest.version, org: 'acme', bundle: { name: bundle.fileName, sha256: bundle.sha256, size: bundle.size },
      specDigest: digest, validationReportDigest: digest, scan: { verdict: 'clean', scanners: [] }, approver: 'bench@acme.example',
      publishedAt: now.toISOString(), expiresAt, keyId: release.keyId,
    },
    release.privateKey,
  );
  const delivery = signDelivery(
    { org: 'acme', recipient: { agentId: 'bench-agent' }, app: manifest.name, version: manifest.version, bundleSha256: bundle.sha256, nonce: randomBytes(16).toString('base64url'), issuedAt: now.toISOString(), expiresAt, keyId: release.keyId },
    release.privateKey,
  );

  let round = 0;
  const verifyAndExtract = async () => {
    const verified = await verifyRelease({ envelope: signed.json, bundle: bundlePath, rootPublicKey: root.publicKey, keyList: keyList.json, expect: { org: 'acme', app: manifest.name, deployedVersion: '1.0.0' }, now });
    if (!verified.ok) throw new Error(`${verified.code}: ${verified.message}`);
    round += 1;
    const extracted = await extractBundle(bundlePath, join(work, 'out', String(round)));
    if (!extracted.ok) throw new Error(`${extracted.code}: ${extracted.message}`);
    rmSync(join(work, 'out', String(round)), { recursive: true, force: true });
    return verified;
  };
  const withDelivery = async () => {
    const verified = await verifyAndExtract();
    const checked = await verifyDelivery({
      envelope: delivery.json, keyList: verified.keyList, seen: () => false, now,
      expect: { org: 'acme', agentId: 'bench-agent', release: { app: verified.statement.app, version: verified.statement.version, sha256: verified.statement.bundle.sha256 } },
    });
    if (!checked.ok) throw new Error(`${checked.code}: ${checked.message}`);
  };

  const [a, b] = (await alternateRuns([verifyAndExtract, withDelivery], runs)) as [number, number];
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log(`bundle: ${bundle.entries.length} entries, ${mb(bundle.size)} compressed; p50 of ${runs} alternating runs`);
  console.log(`A verify + extract              ${a.toFixed(1).padStart(7)} ms`);
  console.log(`B verify + extract + delivery   ${b.toFixed(1).padStart(7)} ms`);
  console.log(`ratio B/A ${(b / a).toFixed(3)}× (goal ≤ ${GOAL.toFixed(2)}×) ${b / a <= GOAL ? 'met' : 'NOT met'}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
