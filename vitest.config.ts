import { configDefaults, defineConfig } from 'vitest/config';

const TEST_FILES = ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'];

/**
 * Files that start many processes, blast the machine or measure a browser: they run one at a time,
 * after the rest, so nothing else competes with them for the CPU. Everything else runs two files at a
 * time (CI has 2 cores; most files spend their time waiting on servers, mail and child processes).
 */
const ALONE = [
  'apps/server/test/scale-out.test.ts',
  // starts worker and smtp processes on PostgreSQL and Redis and crashes a mail hub thread
  'apps/server/test/ops-endpoint.test.ts',
  'apps/server/test/mail-crash-blast.test.ts',
  'apps/server/test/web-e2e.test.ts',
  'apps/server/test/web-flow-e2e.test.ts',
  'apps/server/test/web-lighthouse.test.ts',
  'apps/server/test/web-deployments-e2e.test.ts',
  'apps/server/test/web-chat-e2e.test.ts',
  'apps/server/test/events.test.ts',
  'apps/server/test/agents-crash.test.ts',
  'packages/db/src/job-queue-crash.test.ts',
  // builds the server with esbuild, then starts the built server and stops it
  'apps/server/test/server-build.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One real PostgreSQL cluster per project (skipped loudly without the binaries, fatal under CI=true).
    globalSetup: ['packages/db/src/testing/postgres-global-setup.ts'],
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'shared', include: TEST_FILES, exclude: [...configDefaults.exclude, ...ALONE], maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
