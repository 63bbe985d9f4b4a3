import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backupDatabase } from './backup.js';
import { createDatabase } from './create-database.js';
import type { Database } from './database.js';
import { migrate, type Migration } from './migrate.js';
import { restoreDatabase } from './restore.js';
import { listPublicTables } from './schema-catalog.js';
import { describeEachDialect } from './testing/index.js';

function shopMigrations(withVector: boolean): Migration[] {
  return [
    {
      name: '0001-shop',
      up: async (db) => {
        await sql`create table customer (id integer generated always as identity primary key, email text not null unique,
          referred_by integer references customer (id), tags text[] not null default '{}', created_at timestamptz not null default now())`.execute(db);
        await sql`create table product (sku text primary key, price numeric(24,4), photo bytea, attrs jsonb, doc json, sizes integer[], released date, shelf_life interval)`.execute(db);
        await sql`create table orders (id bigserial primary key, customer_id integer not null references customer (id), sku text references product (sku),
          placed_at timestamptz, total numeric, total_cents bigint generated always as ((total * 100)::bigint) stored, note text)`.execute(db);
        if (withVector) await sql`create table embedding (sku text primary key references product (sku), v vector(3))`.execute(db);
      },
    },
    { name: '0002-orders-index', up: (db) => sql`create index orders_customer on orders (customer_id)`.execute(db).then(() => undefined) },
  ];
}

async function seed(db: Kysely<any>, withVector: boolean): Promise<void> {
  await sql`insert into customer (email, tags, created_at) values
    ('ada@example.com', '{"a,b",NULL,"quote\\"d","back\\\\slash"}', '2024-02-29 23:59:59.123456+05:30'),
    ('bob@example.com', '{}', 'infinity'), ('émile 🚀 "x"', '{x}', '1999-12-31 00:00:00+00')`.execute(db);
  await sql`update customer set referred_by = 3 where id = 1`.execute(db);
  await sql`update customer set referred_by = 1 where id = 3`.execute(db);
  await sql`insert into product values
    ('p1', 12345678901234567890.1234, '\\x00ff10', '{"big": 12345678901234567890, "nested": {"k": [1, "two", null]}, "u": "\u00e9"}', '{"b":1,  "a":2}', '{1,NULL,3}', '2024-02-29', '1 year 2 mons 3 days 04:05:06.789'),
    ('p2', null, '', '[]', null, null, 'infinity', '-1 day'),
    ('p3', -0.0001, null, '"text"', '"line\\nbreak"', '{}', null, null)`.execute(db);
  await sql`insert into orders (customer_id, sku, placed_at, total, note) values
    (1, 'p1', now(), 19.99, 'tab\there'), (2, null, null, null, null), (3, 'p2', '2020-01-01T00:00:00Z', 0, '')`.execute(db);
  await sql`delete from orders where id = 2`.execute(db);
  if (withVector) await sql`insert into embedding values ('p1', '[0.1,0.2,0.3]'), ('p2', null)`.execute(db);
}

/** Every table's rows as PostgreSQL text, sorted: what "identical rows" means, type by type. */
async function snapshot(db: Kysely<any>): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  await sql`set timezone = 'UTC'`.execute(db);
  for (const table of await listPublicTables(db)) {
    const rows = await sql<{ r: string }>`select t::text as r from ${sql.id('public', table.name)} t order by 1`.execute(db);
    result[table.name] = rows.rows.map((row) => row.r);
  }
  return result;
}

async function openMemory(migrations: Migration[]): Promise<Database> {
  const database = await createDatabase({ memory: true });
  await migrate(database, migrations);
  return database;
}

describeEachDialect('backup and restore', (getDatabase, dialect) => {
  let dir: string;
  let source: Database;
  let migrations: Migration[];
  let withVector: boolean;
  const opened: Database[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'db-backup-'));
    withVector = getDatabase().vectorAvailable;
    migrations = shopMigrations(withVector);
    source = await openMemory(migrations);
    opened.push(source);
    await seed(source.db, withVector);
    await sql`create schema pgboss`.execute(source.db);
    await sql`create table pgboss.job (id int)`.execute(source.db);
    await sql`insert into pgboss.job values (1)`.execute(source.db);
    await migrate(getDatabase(), migrations);
  });
  afterAll(async () => {
    for (const database of opened) await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`PGlite → file → ${dialect} → file → PGlite gives identical rows and sequences`, async () => {
    const expected = await snapshot(source.db);
    expect(expected.customer).toHaveLength(3);
    expect(Object.keys(expected).sort()).toEqual(withVector ? ['customer', 'embedding', 'orders', 'product'] : ['customer', 'orders', 'product']);

    const first = join(dir, 'from-pglite.jsonl.gz');
    expect(await backupDatabase(source, first)).toEqual({ tables: withVector ? 4 : 3, rows: withVector ? 10 : 8 });
    expect(await restoreDatabase(getDatabase(), first)).toMatchObject({ rows: withVector ? 10 : 8, from: 'pglite' });
    expect(await snapshot(getDatabase().db)).toEqual(expected);

    const second = join(dir, `from-${dialect}.jsonl.gz`);
    await backupDatabase(getDatabase(), second);
    const back = await openMemory(migrations);
    opened.push(back);
    expect(await restoreDatabase(back, second)).toMatchObject({ from: dialect });
    expect(await snapshot(back.db)).toEqual(expected);

    // Values read through Kysely match too, and sequences continue where the source stopped.
    const select = (db: Kysely<any>) => db.selectFrom('product').selectAll().orderBy('sku').execute();
    expect(await select(back.db)).toEqual(await select(source.db));
    for (const database of [source, getDatabase(), back]) {
      const next = await sql<{ id: number; order_id: string }>`select nextval('customer_id_seq')::int as id, nextval('orders_id_seq')::text as order_id`.execute(database.db);
      expect(next.rows[0]).toEqual({ id: 4, order_id: '4' });
    }
  });

  it('writes a header with the migrations and leaves the pg-boss schema out', async () => {
    const file = join(dir, 'inspect.jsonl.gz');
    await backupDatabase(source, file);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ kind: 'header', format: 'marketplace-db-backup', version: 1, dialect: 'pglite', migrations: ['0001-shop', '0002-orders-index'] });
    expect(lines.filter((line) => line.kind === 'table').map((line) => line.name)).not.toContain('job');
    expect(lines.at(-1)).toMatchObject({ kind: 'end' });
    // Parents before children, so a plain INSERT order satisfies the foreign keys.
    const order = lines.filter((line) => line.kind === 'table').map((line) => line.name);
    expect(order.indexOf('customer')).toBeLessThan(order.indexOf('orders'));
    expect(order.indexOf('product')).toBeLessThan(order.indexOf('orders'));
  });

  it('refuses a backup from another schema version and changes nothing', async () => {
    const older = await openMemory(migrations.slice(0, 1));
    opened.push(older);
    await older.db.insertInto('product').values({ sku: 'keep' }).execute();
    const file = join(dir, 'current.jsonl.gz');
    await backupDatabase(source, file);
    await expect(restoreDatabase(older, file)).rejects.toMatchObject({ code: 'RESTORE_MIGRATIONS_DIFFER', message: expect.stringContaining('0002-orders-index') });
    expect(await older.db.selectFrom('product').select('sku').execute()).toEqual([{ sku: 'keep' }]);
  });

  it('rolls back a restore that fails half-way, and rejects cut or foreign files', async () => {
    const target = getDatabase();
    const before = await snapshot(target.db);
    const file = join(dir, 'good.jsonl.gz');
    await backupDatabase(source, file);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');

    const badValue = lines.map((line) => line.replace('"19.99"', '"nineteen"'));
    writeFileSync(join(dir, 'bad-value.gz'), gzipSync(badValue.join('\n')));
    await expect(restoreDatabase(target, join(dir, 'bad-value.gz'))).rejects.toMatchObject({ code: 'RESTORE_FAILED', message: expect.stringContaining('nothing was changed') });

    writeFileSync(join(dir, 'cut.gz'), gzipSync(lines.slice(0, -3).join('\n')));
    const cut = await restoreDatabase(target, join(dir, 'cut.gz')).catch((error: Error) => error);
    expect(cut).toMatchObject({ code: 'BACKUP_FILE_INVALID', message: expect.stringContaining('cut short') });

    writeFileSync(join(dir, 'plain.txt'), 'hello');
    await expect(restoreDatabase(target, join(dir, 'plain.txt'))).rejects.toMatchObject({ code: 'BACKUP_FILE_INVALID' });
    await expect(restoreDatabase(target, join(dir, 'missing.gz'))).rejects.toMatchObject({ code: 'BACKUP_FILE_INVALID', message: expect.stringContaining('No backup file') });
    expect(await snapshot(target.db)).toEqual(before);
  });

  it('fails a backup into a missing directory without leaving a file', async () => {
    const file = join(dir, 'no-such-dir', 'x.gz');
    await expect(backupDatabase(source, file)).rejects.toMatchObject({ code: 'BACKUP_FAILED' });
    expect(existsSync(file) || existsSync(`${file}.part`)).toBe(false);
  });
});
