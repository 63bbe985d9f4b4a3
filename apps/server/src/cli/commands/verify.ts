import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { verifyRelease } from '@marketplace/release';

export function registerVerify(program: Command): void {
  program
    .command('verify <release.json>')
    .description('Verify a signed release and its bundle against a pinned root key; exit 1 with the reason when it fails')
    .requiredOption('--bundle <file.tgz>', 'the bundle the release names')
    .requiredOption('--root <root.pub>', 'the organisation root public key (PEM)')
    .requiredOption('--key-list <keylist.json>', 'the root-signed key list')
    .option('--org <id>', 'the organisation the release must be for', 'local')
    .option('--deployed <version>', 'refuse unless newer than this deployed version')
    .action(async (releasePath: string, options: { bundle: string; root: string; keyList: string; org: string; deployed?: string }) => {
      const [envelope, rootPublicKey, keyList] = await Promise.all([readFile(releasePath), readFile(options.root, 'utf8'), readFile(options.keyList)]);
      const verdict = await verifyRelease({ envelope, bundle: options.bundle, rootPublicKey, keyList, expect: { org: options.org, ...(options.deployed ? { deployedVersion: options.deployed } : {}) } });
      if (verdict.ok) {
        process.stdout.write(`OK  ${verdict.statement.app} ${verdict.statement.version} for ${verdict.statement.org}, signed by ${verdict.keyId.slice(0, 16)}…, bundle sha256 ${verdict.statement.bundle.sha256}\n`);
      } else {
        process.stdout.write(`REJECTED  ${verdict.code}: ${verdict.message}\n`);
        process.exitCode = 1;
      }
    });
}
