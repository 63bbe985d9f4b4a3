import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from './create-database.js';
import type { Database } from './database.js';
import { isDatabaseError } from './errors.js';
import type { Logger } from './logger.js';
import { describeEachDialect } from './testing/index.js';

function recordingLogger(lines: string[]): Logger {
  const log = (level: string) => (first: object | string, message?: string) => lines.push(`${level}: ${typeof first === 'string' ? first : (message ?? '')}`);
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger;
}

async function errorOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('createDatabase options and connection errors', () => {
  it('rejects a URL that is not postgres:// and names DATABASE_URL', async () => {
    const error = await errorOf(createDatabase({ url: 'mysql://root@localhost/app' }));
    expect(isDatabaseError(error, 'DATABASE_URL_INVALID')).toBe(true);
    expect(error.message).toMatch(/DATABASE_URL must start with postgres:\/\//);
  });

  it('rejects garbage as DATABASE_URL', async () => {
    const error = await errorOf(createDatabase({ url: 'not a url' }));
    expect(error.code).toBe('DATABASE_URL_INVALID');
  });

  it('reports an unreachable server with the redacted URL and what to check', async () => {
    const error = await errorOf(createDatabase({ url: 'postgres://app:secret@127.0.0.1:1/app' }));
    expect(error.code).toBe('DATABASE_UNREACHABLE');
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('postgres://app:***@127.0.0.1:1/app');
    expect(error.message).not.toContain('secret');
  });

  it('asks for a database when neither a URL nor a data directory is given', async () => {
    const error = await errorOf(createDatabase({}));
    expect(error.code).toBe('DATABASE_OPTIONS_INVALID');
    expect(error.message).toMatch(/DATABASE_URL/);
  });
});

describe('embedded database in a data directory', () => {
  const dirs: string[] = [];
  const open: Database[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-test-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const database of open.splice(0)) await database.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its rows across close and reopen', async () => {
    const dir = tempDir();
    const first = await createDatabase({ dataDir: dir });
    await sql`create table note (body text)`.execute(first.db);
    await first.db.insertInto('note').values({ body: 'kept' }).execute();
    await first.close();

    const second = await createDatabase({ dataDir: dir });
    open.push(second);
    expect(await second.db.selectFrom('note').select('body').execute()).toEqual([{ body: 'kept' }]);
  });

  it('refuses a second opener of the same directory, naming the process that holds it', async () => {
    const dir = tempDir();
    open.push(await createDatabase({ dataDir: dir }));
    const error = await errorOf(createDatabase({ dataDir: dir }));
    expect(error.code).toBe('DATABASE_IN_USE');
    expect(error.message).toContain(`in use by process ${process.pid}`);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'db.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, hostname: hostname(), processStart: null, lockedAt: '2020-01-01T00:00:00Z' }));
    const database = await createDatabase({ dataDir: dir });
    open.push(database);
    await database.ping();
  });

  it('has pgvector and answers a nearest-neighbour query', async () => {
    const database = await createDatabase({ memory: true });
    open.push(database);
    expect(database.vectorAvailable).toBe(true);
    await sql`create table item (name text, embedding vector(3))`.execute(database.db);
    await sql`insert into item values ('x', '[1,0,0]'), ('y', '[0,1,0]')`.execute(database.db);
    const nearest = await sql<{ name: string }>`select name from item order by embedding <-> '[0.1,0.9,0]' limit 1`.execute(database.db);
    expect(nearest.rows).toEqual([{ name: 'y' }]);
  });

  it('rejects calls after close with DATABASE_CLOSED', async () => {
    const database = await createDatabase({ memory: true });
    await database.close();
    expect((await errorOf(database.ping())).code).toBe('DATABASE_CLOSED');
  });
});

describeEachDialect('database handle', (getDatabase, dialect) => {
  it('pings and reports its dialect', async () => {
    const database = getDatabase();
    await database.ping();
    expect(database.dialect).toBe(dialect);
  });

  it('knows whether pgvector is there, matching the server', async () => {
    const database = getDatabase();
    const installed = await sql<{ n: string }>`select count(*) as n from pg_extension where extname = 'vector'`.execute(database.db);
    expect(database.vectorAvailable).toBe(installed.rows[0]?.n === '1');
  });

  it('returns the same JavaScript values for the same SQL', async () => {
    const { rows } = await sql`
      select 9007199254740993::int8 as big, 12.50::numeric(6,2) as money, '2024-02-29'::date as day,
        '2024-02-29T12:00:00Z'::timestamptz as at, '\\x00ff'::bytea as bytes, '{"a":[1,"b"]}'::jsonb as doc,
        array['x','y'] as tags, '1 day 02:00:00'::interval as span, array['2024-01-01'::date] as days`.execute(getDatabase().db);
    expect(rows[0]).toEqual({
      big: '9007199254740993',
      money: '12.50',
      day: '2024-02-29',
      at: new Date('2024-02-29T12:00:00Z'),
      bytes: Buffer.from([0, 255]),
      doc: { a: [1, 'b'] },
      tags: ['x', 'y'],
      span: '1 day 02:00:00',
      days: ['2024-01-01'],
    });
  });
  it('takes parameters the same way: a string for jsonb is JSON text, a Buffer or \\x text for bytea', async () => {
    const { db } = getDatabase();
    await sql`create table if not exists param_probe (doc jsonb, bytes bytea)`.execute(db);
    await db.insertInto('param_probe').values([{ doc: '{"a":1}', bytes: Buffer.from([1, 2]) }, { doc: JSON.stringify('plain'), bytes: '\\x0a0b' }]).execute();
    expect(await db.selectFrom('param_probe').selectAll().execute()).toEqual([
      { doc: { a: 1 }, bytes: Buffer.from([1, 2]) },
      { doc: 'plain', bytes: Buffer.from([10, 11]) },
    ]);
  });
});

describeEachDialect('pgvector detection', (getDatabase, dialect, connectionUrl) => {
  it('sets vectorAvailable from the server and, without pgvector, says so once at info', async () => {
    const lines: string[] = [];
    const url = connectionUrl();
    const database = await createDatabase(dialect === 'postgres' && url ? { url, logger: recordingLogger(lines) } : { memory: true, logger: recordingLogger(lines) });
    try {
      const available = await sql<{ n: string }>`select count(*) as n from pg_available_extensions where name = 'vector'`.execute(database.db);
      expect(database.vectorAvailable).toBe(available.rows[0]?.n === '1');
      expect(database.vectorAvailable).toBe(getDatabase().vectorAvailable);
      expect(lines.filter((line) => line.startsWith('info: pgvector'))).toHaveLength(database.vectorAvailable ? 0 : 1);
    } finally {
      await database.close();
    }
  });
});
