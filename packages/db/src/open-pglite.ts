import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely, sql } from 'kysely';
import { AsyncMutex } from './async-mutex.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import type { Database } from './database.js';
import { DatabaseError, messageOf } from './errors.js';
import type { Logger } from './logger.js';
import { createPGliteDialect, createPGliteExecuteSql } from './pglite-dialect.js';
import { pgliteParsers, pgliteSerializers } from './type-parsers.js';

/**
 * PGlite runs PostgreSQL's one backend inside the process's WebAssembly memory and touches all of
 * shared_buffers when it starts: the default 128 MB was ≈ 115 MB of the server's idle RSS. The embedded
 * database is the small single-host setup (larger ones use PostgreSQL), and its table files stay in the
 * operating system's page cache anyway, so 16 MB of buffers hold its working set.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * PostgreSQL's 9 MB WebAssembly runs on V8's baseline compiler (Liftoff) only (decision 0063). By default V8
 * recompiles every function that gets warm with its optimising compiler on background threads: on a
 * server's start that was ≈ 1.7 s of CPU (a third of the start) and ≈ 80 MB of RSS kept for good, and over
 * 3,000–30,000 inserts and lookups it never paid back its compile time. The price: queries that spend long in
 * PostgreSQL's own loops (scans and sorts of 200,000 rows) take ≈ 1.6× the CPU once the optimised code would
 * have been ready; larger installations use PostgreSQL. Process-wide, for WebAssembly compiled from now on.
 */
function baselineWasmOnly(): void {
  setFlagsFromString('--liftoff-only');
}

/** Opens PGlite in memory (`dataDir` undefined) or persisted in `<dataDir>/db`, with pgvector (and pg_trgm loadable for catalog search). */
export async function openPGlite(dataDir: string | undefined, logger: Logger): Promise<Database> {
  let lock: DataDirLock | undefined;
  let pgliteDir: string | undefined;
  if (dataDir !== undefined) {
    const root = resolve(dataDir);
    try {
      mkdirSync(root, { recursive: true });
    } catch (error) {
      throw new DatabaseError('DATA_DIR_UNUSABLE', `Cannot create the data directory ${root}: ${messageOf(error)}. Point the data directory at a writable place, or set DATABASE_URL to use PostgreSQL.`, { cause: error });
    }
    lock = acquireDataDirLock(join(root, 'db.lock'), `the data directory (${root})`);
    pgliteDir = join(root, 'db');
  }

  let pglite: PGlite;
  baselineWasmOnly();
  try {
    pglite = await PGlite.create({ ...(pgliteDir ? { dataDir: pgliteDir } : {}), extensions: { vector, pg_trgm }, parsers: pgliteParsers, serializers: pgliteSerializers, startParams: PGLITE_START_PARAMS });
    await pglite.exec('CREATE EXTENSION IF NOT EXISTS vector');
  } catch (error) {
    lock?.release();
    const where = pgliteDir ?? 'memory';
    throw new DatabaseError(
      'DATA_DIR_UNUSABLE',
      `The embedded database in ${where} could not be opened: ${messageOf(error)}. ` +
        'If the directory was made by another version or is damaged, move it aside and restore a backup into a fresh one, or set DATABASE_URL to use PostgreSQL.',
      { cause: error },
    );
  }

  const mutex = new AsyncMutex();
  const namedLocks = new Map<string, AsyncMutex>();
  const db = new Kysely<any>({ dialect: createPGliteDialect(pglite, mutex, logger) });
  let closed = false;
  logger.debug({ dataDir: pgliteDir ?? 'memory' }, 'embedded database (PGlite) open');

  return {
    db,
    dialect: 'pglite',
    vectorAvailable: true,
    async ping() {
      if (closed) throw new DatabaseError('DATABASE_CLOSED', 'The database handle was closed; open a new one with createDatabase().');
      await sql`select 1`.execute(db);
    },
    poolStats: () => ({ total: 1, idle: mutex.locked ? 0 : 1, waiting: mutex.waiting }),
    executeSql: createPGliteExecuteSql(pglite, mutex),
    // NOTIFY from this same process (the only one that opens this database), e.g. a trigger's at commit.
    // LISTEN waits its turn on the connection, never running inside another caller's open transaction.
    async listen(channel, onMessage) {
      const stop = await mutex.runExclusive(() => pglite.listen(channel, onMessage));
      return () => mutex.runExclusive(() => stop());
    },
    withLock(name, work) {
      let lock = namedLocks.get(name);
      if (!lock) namedLocks.set(name, (lock = new AsyncMutex()));
      return lock.runExclusive(work);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
  };
}
