import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { AsyncMutex } from './async-mutex.js';
import type { Logger } from './logger.js';

const SLOW_ACQUIRE_MS = 10_000;
const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/**
 * Kysely dialect for PGlite. PGlite is one connection, so every Kysely connection holds
 * `mutex` from acquire to release: a transaction owns the connection from BEGIN to
 * COMMIT/ROLLBACK and no other query (Kysely's or pg-boss's) can run inside it.
 */
export function createPGliteDialect(pglite: PGlite, mutex: AsyncMutex, logger: Logger): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PGliteDriver(pglite, mutex, logger),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

class PGliteDriver implements Driver {
  readonly #pglite: PGlite;
  readonly #mutex: AsyncMutex;
  readonly #logger: Logger;

  constructor(pglite: PGlite, mutex: AsyncMutex, logger: Logger) {
    this.#pglite = pglite;
    this.#mutex = mutex;
    this.#logger = logger;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const timer = setTimeout(() => {
      this.#logger.warn(
        { waitedMs: SLOW_ACQUIRE_MS },
        'still waiting for the embedded database connection: a query made on `db` inside a transaction callback (instead of on its `trx`) waits forever on PGlite',
      );
    }, SLOW_ACQUIRE_MS);
    timer.unref();
    try {
      const release = await this.#mutex.acquire();
      return new PGliteConnection(this.#pglite, release);
    } finally {
      clearTimeout(timer);
    }
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` ISOLATION LEVEL ${settings.isolationLevel.toUpperCase()}` : '';
    await connection.executeQuery(CompiledQuery.raw(`BEGIN${level}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PGliteConnection).release();
  }

  async destroy(): Promise<void> {
    await this.#mutex.runExclusive(async () => {
      if (!this.#pglite.closed) await this.#pglite.close();
    });
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;
  readonly release: () => void;

  constructor(pglite: PGlite, release: () => void) {
    this.#pglite = pglite;
    this.release = release;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#pglite.query<R>(compiledQuery.sql, [...compiledQuery.parameters]);
    const command = result.command?.toUpperCase() ?? '';
    return {
      rows: result.rows,
      ...(WRITE_COMMANDS.has(command) ? { numAffectedRows: BigInt(result.affectedRows ?? 0) } : {}),
    };
  }

  /** Like the PostgreSQL dialect without a cursor: page with limit/offset or keyset instead. */
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming queries are not supported by this database layer; read in pages (limit/keyset) instead.');
  }
}

/**
 * `executeSql` for pg-boss on PGlite. pg-boss sends parameterless multi-statement scripts
 * (`BEGIN; …; COMMIT;`), which need the simple protocol (`exec`); anything with values
 * goes through `query`. Both hold the same mutex as Kysely, so they never land inside a
 * Kysely transaction, and a failed script is rolled back before the connection is shared again.
 */
export function createPGliteExecuteSql(pglite: PGlite, mutex: AsyncMutex) {
  return (text: string, values?: unknown[]): Promise<{ rows: any[] }> =>
    mutex.runExclusive(async () => {
      if (values && values.length > 0) {
        const result = await pglite.query(text, values);
        return { rows: result.rows };
      }
      try {
        const results = await pglite.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      } catch (error) {
        await pglite.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
}
