import { execFileSync } from 'node:child_process';

/**
 * Find a system binary a suite needs. Missing: outside CI the check is skipped with a loud message
 * naming the installer; under CI=true a missing binary fails the test.
 */
export function requireBinary(name: string, debianPackage: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    const message = `${name} is not installed (Debian package ${debianPackage}): run scripts/install-system-deps.sh`;
    if (process.env.CI === 'true') throw new Error(`${message} — required under CI=true`);
    console.warn(`\n!!! SKIPPING a check: ${message}\n`);
    return undefined;
  }
}
