import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = dirname(fileURLToPath(import.meta.url));

/**
 * Every bare package a source file reaches through its imports and re-exports, followed through relative
 * ones (type-only excluded); with `dynamic`, also through `import('…')` on first use.
 */
function packagesReachedFrom(entry: string, options: { dynamic?: boolean } = {}): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms)) {
      if (match[1]) continue;
      const specifier = match[2] ?? '';
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:')) packages.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
    }
    if (options.dynamic) {
      for (const match of code.matchAll(/\bimport\(\s*'([^'.][^']*)'\s*\)/g)) {
        const specifier = match[1]!;
        if (!specifier.startsWith('node:')) packages.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
      }
    }
  };
  visit(join(src, entry));
  return packages;
}

describe('entry points', () => {
  it('keeps the SMTP server and test helpers out of the main entry the deploy agent imports', () => {
    const main = packagesReachedFrom('index.ts');
    expect(main.has('smtp-server')).toBe(false);
    // imapflow, mailparser and nodemailer load on first use (dynamic import), so they are not reached at start-up;
    // @marketplace/release (which the agent loads anyway) gives the schemas their build-on-first-use stand-in.
    expect([...main].sort()).toEqual(['@marketplace/release', '@zone-eu/mailsplit', 'zod']);
    // the hub is where the SMTP server lives (loaded when the hub starts, after the server listens)
    expect(packagesReachedFrom('hub/index.ts').has('smtp-server')).toBe(false);
    expect(packagesReachedFrom('hub/index.ts', { dynamic: true }).has('smtp-server')).toBe(true);
  });
});
