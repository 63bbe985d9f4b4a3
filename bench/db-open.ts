/**
 * Embedded database (PGlite) figures: opening a fresh vs an existing data directory (with
 * migrations), and one insert + select round trip on PGlite vs PostgreSQL in the same run.
 * PostgreSQL: a throwaway cluster from Debian's binaries (never a configured DATABASE_URL).
 * Run: node --import tsx bench/db-open.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createDatabase, migrate, type Database, type Migration } from '@marketplace/db';
import { findPostgresBinaries, startPostgres, type PostgresCluster } from '../packages/db/src/testing/start-postgres.js';

const OPENS = 3;
const ROUND_TRIPS = 300;

const migrations: Migration[] = [
  { name: '0001-users', up: (db) => sql`create table users (id serial primary key, email text unique not null, created_at timestamptz default now())`.execute(db).then(() => undefined) },
  { name: '0002-apps', up: (db) => sql`create table apps (id serial primary key, owner_id int references users (id), name text not null, spec jsonb)`.execute(db).then(() => undefined) },
  { name: '0003-apps-index', up: (db) => sql`create index apps_owner on apps (owner_id)`.execute(db).then(() => undefined) },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

async function timeOpen(dataDir: string): Promise<number> {
  const start = performance.now();
  const database = await createDatabase({ dataDir });
  await migrate(database, migrations);
  const elapsed = performance.now() - start;
  await database.close();
  return elapsed;
}

async function roundTrips(database: Database): Promise<{ p50: number; mean: number }> {
  await migrate(database, migrations);
  const times: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i += 1) {
    const start = performance.now();
    const row = await database.db.insertInto('users').values({ email: `u${i}-${Date.now()}@example.com` }).returning('id').executeTakeFirstOrThrow();
    await database.db.selectFrom('users').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    times.push(performance.now() - start);
  }
  return { p50: median(times), mean: times.reduce((a, b) => a + b, 0) / times.length };
}

const root = mkdtempSync(join(tmpdir(), 'bench-db-'));
let cluster: PostgresCluster | undefined;
try {
  const fresh: number[] = [];
  const existing: number[] = [];
  for (let i = 0; i < OPENS; i += 1) {
    const dir = join(root, `open-${i}`);
    fresh.push(await timeOpen(dir));
    existing.push(await timeOpen(dir));
  }
  console.log(`PGlite open + migrate, median of ${OPENS}: fresh data dir ${ms(median(fresh))}, existing data dir ${ms(median(existing))} (fresh/existing ${(median(fresh) / median(existing)).toFixed(1)}x)`);

  const pglite = await createDatabase({ dataDir: join(root, 'latency') });
  const embedded = await roundTrips(pglite);
  await pglite.close();

  if (findPostgresBinaries()) cluster = await startPostgres();
  if (!cluster) {
    console.log(`insert+select round trip (${ROUND_TRIPS}x) PGlite: p50 ${ms(embedded.p50)}, mean ${ms(embedded.mean)}; PostgreSQL: not measured (no binaries; see scripts/install-system-deps.sh)`);
  } else {
    const postgres = await createDatabase({ url: cluster.url });
    const server = await roundTrips(postgres);
    await postgres.close();
    console.log(`insert+select round trip (${ROUND_TRIPS}x): PGlite p50 ${ms(embedded.p50)} mean ${ms(embedded.mean)}; PostgreSQL (loopback) p50 ${ms(server.p50)} mean ${ms(server.mean)}; PGlite/PostgreSQL p50 ${(embedded.p50 / server.p50).toFixed(2)}x`);
  }
} finally {
  await cluster?.stop();
  rmSync(root, { recursive: true, force: true });
}
