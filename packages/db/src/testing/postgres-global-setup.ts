import type { TestProject } from 'vitest/node';
import { missingPostgresNotice, PROVIDED_POSTGRES_KEY } from './provided-postgres.js';
import { findPostgresBinaries, INSTALL_HINT, startPostgres } from './start-postgres.js';

/**
 * Vitest globalSetup: one PostgreSQL cluster for the whole run, handed to test files with
 * provide/inject. Without the binaries the PostgreSQL suites are skipped loudly, or fail
 * the run when CI=true.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const binDir = findPostgresBinaries();
  if (!binDir) {
    const reason = `PostgreSQL binaries were not found in /usr/lib/postgresql/*/bin. ${INSTALL_HINT}`;
    if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
    console.warn(missingPostgresNotice(reason));
    project.provide(PROVIDED_POSTGRES_KEY, { url: null, reason });
    return undefined;
  }
  const cluster = await startPostgres({ binDir });
  project.provide(PROVIDED_POSTGRES_KEY, { url: cluster.url, reason: null });
  return () => cluster.stop();
}
