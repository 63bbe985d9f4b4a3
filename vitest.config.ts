import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One real PostgreSQL cluster for the whole run (skipped loudly without the binaries, fatal under CI=true).
    globalSetup: ['packages/db/src/testing/postgres-global-setup.ts'],
    reporters: ['default'],
  },
});
