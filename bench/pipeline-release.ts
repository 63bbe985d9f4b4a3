/**
 * spec → signed release per kind, excluding validation: generate + esbuild build + deterministic
 * bundle + scan + DSSE signature, p50 over N runs; baseline: `tar czf` + `sha256sum` of the same
 * files in the same run. Goal: ratio ≤ 3×, p50 ≤ 1 s.
 *   node --import tsx bench/pipeline-release.ts [--runs 20]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildApp, generateApp, listTemplates, writeApp } from '@marketplace/generators';
import { bundleFileName, createBundle, generateReleaseKey, loadPrivateKey, signRelease } from '@marketplace/release';
import type { AppSpec } from '@marketplace/spec';
import { digestOf } from '../apps/server/src/modules/pipeline/pipeline-jobs.js';
import { scanFiles } from '../apps/server/src/modules/pipeline/scanner.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 20;
const key = generateReleaseKey();
const privateKey = loadPrivateKey(key.privateKey);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function readTree(dir: string) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = new Map<string, { content: Buffer }>();
  for (const entry of entries) if (entry.isFile()) files.set(relative(dir, join(entry.parentPath, entry.name)), { content: await readFile(join(entry.parentPath, entry.name)) });
  return files;
}

console.log(`kind            spec→release p50   of which bundle+scan+sign   tar+gzip+sha256 p50   ratio (all / packaging only)`);
for (const template of listTemplates()) {
  const spec = template.exampleSpec as AppSpec;
  const ours: number[] = [];
  const packaging: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const dir = await mkdtemp(join(tmpdir(), 'bench-release-'));
    try {
      const started = performance.now();
      const app = generateApp(spec, { version: `1.0.${i}` });
      await writeApp(dir, app.files);
      await buildApp(dir);
      const packStarted = performance.now();
      const files = await readTree(dir);
      const bundle = await createBundle({ files });
      const scan = scanFiles(files);
      const now = new Date();
      signRelease(
        {
          app: spec.name, version: `1.0.${i}`, org: 'bench', bundle: { name: bundleFileName(spec.name, `1.0.${i}`), sha256: bundle.sha256, size: bundle.size },
          specDigest: digestOf(spec), validationReportDigest: digestOf({}), scan: { verdict: scan.verdict, scanners: scan.scanners.map(({ name, verdict }) => ({ name, verdict })) },
          approver: 'bench', publishedAt: now.toISOString(), expiresAt: new Date(now.getTime() + 86_400_000).toISOString(), keyId: key.keyId,
        },
        privateKey,
      );
      ours.push(performance.now() - started);
      packaging.push(performance.now() - packStarted);
      const t0 = performance.now();
      execFileSync('sh', ['-c', `tar czf ${dir}.tgz -C ${dir} . && sha256sum ${dir}.tgz > /dev/null`]);
      baseline.push(performance.now() - t0);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(`${dir}.tgz`, { force: true });
    }
  }
  console.log(`${template.kind.padEnd(15)} ${median(ours).toFixed(0).padStart(12)} ms   ${median(packaging).toFixed(0).padStart(20)} ms   ${median(baseline).toFixed(0).padStart(16)} ms   ${(median(ours) / median(baseline)).toFixed(2)}× / ${(median(packaging) / median(baseline)).toFixed(2)}×`);
}
