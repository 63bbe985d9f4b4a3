import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { bundleFileName, createBundle, createKeyList, generateReleaseKey, generateRootKey, loadPrivateKey, releaseFileName, signRelease, keyIdOf } from '@marketplace/release';
import { digestOf } from '../../modules/pipeline/pipeline-jobs.js';
import { scanFiles } from '../../modules/pipeline/scanner.js';
import { readdir } from 'node:fs/promises';

async function readTree(dir: string): Promise<Map<string, { content: Buffer }>> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = new Map<string, { content: Buffer }>();
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = relative(dir, join(entry.parentPath, entry.name));
    if (path.startsWith('node_modules/') || path.startsWith('.validate/') || path.startsWith('.git/')) continue;
    files.set(path, { content: await readFile(join(dir, path)) });
  }
  return files;
}

export function registerPackage(program: Command): void {
  program
    .command('package <dir>')
    .description('Bundle, scan and sign an app directory into a release (bundle + DSSE release + key list)')
    .requiredOption('--out <dir>', 'where to write the release files')
    .option('--org <id>', 'the organisation the release is for', 'local')
    .option('--key <file>', 'release signing key (PKCS#8 PEM); without it a development root and release key are made in --out')
    .option('--passphrase-env <name>', 'environment variable holding the key’s passphrase')
    .option('--days <n>', 'how long the release stays deployable', '365')
    .action(async (dir: string, options: { out: string; org: string; key?: string; passphraseEnv?: string; days: string }) => {
      await mkdir(options.out, { recursive: true });
      const files = await readTree(dir);
      const bundle = await createBundle({ files });
      const scan = scanFiles(files);
      if (scan.verdict === 'flagged') throw Object.assign(new Error(`the scan flagged the app: ${scan.scanners.filter((s) => s.verdict === 'flagged').map((s) => s.detail).join('; ')}`), { code: 'SCAN_FLAGGED' });
      const passphrase = options.passphraseEnv ? process.env[options.passphraseEnv] : undefined;
      let releaseKey = options.key ? loadPrivateKey({ path: options.key, ...(passphrase ? { passphrase } : {}) }) : undefined;
      if (!releaseKey) {
        const root = generateRootKey({ passphrase: 'development only, not a secret' });
        const release = generateReleaseKey();
        const keyList = createKeyList({ org: options.org, releasePublicKey: release.publicKey, rootPrivateKey: { pem: root.privateKey, passphrase: 'development only, not a secret' } });
        await writeFile(join(options.out, 'dev-root.pub'), root.publicKey);
        await writeFile(join(options.out, 'keylist.json'), keyList.json);
        await writeFile(join(options.out, 'dev-release.key'), release.privateKey, { mode: 0o600 });
        releaseKey = loadPrivateKey(release.privateKey);
        process.stdout.write(`made a development root key (dev-root.pub, fingerprint ${root.fingerprint}) and key list (keylist.json)\n`);
      }
      const manifest = bundle.manifest;
      const now = new Date();
      const signed = signRelease(
        {
          app: manifest.name,
          version: manifest.version,
          org: options.org,
          bundle: { name: bundleFileName(manifest.name, manifest.version), sha256: bundle.sha256, size: bundle.size },
          specDigest: digestOf(manifest),
          validationReportDigest: digestOf({ validated: false, by: 'marketplace package' }),
          scan: { verdict: scan.verdict, scanners: scan.scanners.map(({ name, verdict, detail }) => ({ name, verdict, ...(detail ? { detail } : {}) })) },
          approver: process.env.USER ?? 'cli',
          publishedAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + Number(options.days) * 86_400_000).toISOString(),
          keyId: keyIdOf(releaseKey),
        },
        releaseKey,
      );
      await writeFile(join(options.out, bundleFileName(manifest.name, manifest.version)), bundle.data);
      await writeFile(join(options.out, releaseFileName(manifest.name, manifest.version)), signed.json);
      process.stdout.write(`${join(options.out, bundleFileName(manifest.name, manifest.version))}  sha256 ${bundle.sha256}  ${bundle.size} bytes\n${join(options.out, releaseFileName(manifest.name, manifest.version))}  signed by ${signed.statement.keyId.slice(0, 16)}…\n`);
    });
}
