import { afterAll, beforeAll, describe, inject } from 'vitest';
import { createDatabase } from '../create-database.js';
import type { Database, DialectName } from '../database.js';
import { createPostgresTestDatabase } from './postgres-test-database.js';
import { missingPostgresNotice, PROVIDED_POSTGRES_KEY, type ProvidedPostgres } from './provided-postgres.js';
import { findPostgresBinaries, INSTALL_HINT, startPostgres, type PostgresCluster } from './start-postgres.js';

/**
 * Where this test file's PostgreSQL comes from: the run's cluster (globalSetup), or, when the
 * globalSetup is not configured, a cluster this file starts itself and stops after its last suite.
 */
let fileCluster: Promise<PostgresCluster> | undefined;
let fileSuites = 0;
let noticePrinted = false;

function postgresSource(): { adminUrl: () => Promise<string>; done: () => Promise<void> } | { missing: string } {
  const provided = inject(PROVIDED_POSTGRES_KEY) as ProvidedPostgres | undefined;
  if (provided?.url) {
    const url = provided.url;
    return { adminUrl: async () => url, done: async () => {} };
  }
  const reason = provided?.reason ?? (findPostgresBinaries() ? null : `PostgreSQL binaries were not found in /usr/lib/postgresql/*/bin. ${INSTALL_HINT}`);
  if (reason) return { missing: reason };
  fileSuites += 1;
  return {
    adminUrl: async () => (await (fileCluster ??= startPostgres())).url,
    done: async () => {
      fileSuites -= 1;
      if (fileSuites === 0 && fileCluster) {
        const cluster = fileCluster;
        fileCluster = undefined;
        await (await cluster).stop();
      }
    },
  };
}

/**
 * Defines the suite `name` twice: on a fresh in-memory PGlite and on a fresh PostgreSQL
 * database (`test_<random>`, dropped afterwards). `getDatabase()` is valid inside tests and hooks.
 */
export function describeEachDialect(name: string, define: DefineSuite): void {
  describeOn('pglite', name, define, async () => ({ database: await createDatabase({ memory: true }), url: null, cleanup: async () => {} }));

  const source = postgresSource();
  if ('missing' in source) {
    if (process.env.CI === 'true') throw new Error(`CI=true and the PostgreSQL half of "${name}" cannot run: ${source.missing}`);
    if (!noticePrinted) console.warn(missingPostgresNotice(source.missing));
    noticePrinted = true;
    describe.skipIf(true)(`${name} [postgres]`, () =>
      define(
        () => {
          throw new Error('PostgreSQL is not available');
        },
        'postgres',
        () => null,
      ),
    );
    return;
  }
  describeOn('postgres', name, define, async () => {
    try {
      const testDatabase = await createPostgresTestDatabase(await source.adminUrl());
      const database = await createDatabase({ url: testDatabase.url }).catch(async (error: unknown) => {
        await testDatabase.drop();
        throw error;
      });
      return {
        database,
        url: testDatabase.url,
        cleanup: async () => {
          await testDatabase.drop();
          await source.done();
        },
      };
    } catch (error) {
      await source.done();
      throw error;
    }
  });
}

interface OpenedDatabase {
  database: Database;
  url: string | null;
  cleanup: () => Promise<void>;
}

/** `connectionUrl()`: the PostgreSQL test database's URL (for a second connection), null on PGlite. */
export type DefineSuite = (getDatabase: () => Database, dialect: DialectName, connectionUrl: () => string | null) => void;

function describeOn(dialect: DialectName, name: string, define: DefineSuite, open: () => Promise<OpenedDatabase>): void {
  describe(`${name} [${dialect}]`, () => {
    let opened: OpenedDatabase | undefined;
    beforeAll(async () => {
      opened = await open();
    });
    afterAll(async () => {
      if (!opened) return;
      try {
        await opened.database.close();
      } finally {
        await opened.cleanup();
      }
    });
    define(() => {
      if (!opened) throw new Error(`The ${dialect} database of "${name}" is not open yet: call getDatabase() inside a test or hook.`);
      return opened.database;
    }, dialect, () => opened?.url ?? null);
  });
}
