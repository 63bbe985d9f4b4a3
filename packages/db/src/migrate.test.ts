import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { migrate, migrationStatus, type Migration } from './migrate.js';
import { describeEachDialect } from './testing/index.js';

const createUsers: Migration = {
  name: '2025-01-01-users-create',
  up: (db) => db.schema.createTable('users').addColumn('id', 'serial', (c) => c.primaryKey()).addColumn('email', 'text', (c) => c.notNull().unique()).execute(),
};
const createApps: Migration = {
  name: '2025-01-02-apps-create',
  up: (db) => db.schema.createTable('apps').addColumn('id', 'serial', (c) => c.primaryKey()).addColumn('owner_id', 'integer', (c) => c.references('users.id')).execute(),
};
const brokenIndex: Migration = {
  name: '2025-01-03-apps-broken',
  up: async (db: Kysely<any>) => {
    await sql`create index apps_owner on apps (owner_id)`.execute(db);
    await sql`create index apps_missing on apps (no_such_column)`.execute(db);
  },
};

const tableExists = async (db: Kysely<any>, name: string) => (await sql<{ t: string | null }>`select to_regclass(${name})::text as t`.execute(db)).rows[0]?.t !== null;

describeEachDialect('migrate', (getDatabase) => {
  it('applies pending migrations in order, then nothing on a second run', async () => {
    const database = getDatabase();
    expect(await migrationStatus(database, [createUsers, createApps])).toEqual({ applied: [], pending: [createUsers.name, createApps.name] });
    expect(await migrate(database, [createUsers])).toEqual([createUsers.name]);
    expect(await migrate(database, [createUsers, createApps])).toEqual([createApps.name]);
    expect(await migrate(database, [createUsers, createApps])).toEqual([]);
    expect(await migrationStatus(database, [createUsers, createApps])).toEqual({ applied: [createUsers.name, createApps.name], pending: [] });
    expect(await tableExists(database.db, 'apps')).toBe(true);
  });

  it('names the failing migration and leaves nothing of the failed run', async () => {
    const database = getDatabase();
    const extra: Migration = { name: '2025-01-02-b-extra', up: (db) => db.schema.createTable('extra').addColumn('id', 'integer').execute() };
    const list = [createUsers, createApps, extra, brokenIndex];
    await expect(migrate(database, list)).rejects.toMatchObject({ code: 'MIGRATION_FAILED', message: expect.stringMatching(/^Migration "2025-01-03-apps-broken" failed: .*no_such_column/) });
    expect(await tableExists(database.db, 'extra')).toBe(false);
    expect(await tableExists(database.db, 'apps_owner')).toBe(false);
    expect((await migrationStatus(database, list)).pending).toEqual([extra.name, brokenIndex.name]);
  });

  it('refuses a list that dropped an applied migration or slipped one in before it', async () => {
    const database = getDatabase();
    await expect(migrationStatus(database, [createApps])).rejects.toMatchObject({ code: 'MIGRATIONS_INVALID', message: expect.stringContaining(`"${createUsers.name}" applied`) });
    const early: Migration = { name: '2024-12-31-early', up: async () => {} };
    await expect(migrate(database, [early, createUsers, createApps])).rejects.toMatchObject({ code: 'MIGRATIONS_INVALID', message: expect.stringContaining('sorts before') });
  });

  it('refuses unsorted or duplicate names before touching the database', async () => {
    const database = getDatabase();
    await expect(migrate(database, [createApps, createUsers])).rejects.toMatchObject({ code: 'MIGRATIONS_INVALID', message: expect.stringContaining('ascending name order') });
    await expect(migrate(database, [createUsers, createUsers])).rejects.toMatchObject({ code: 'MIGRATIONS_INVALID', message: expect.stringContaining('Two migrations') });
    await expect(migrate(database, [{ name: 'has space', up: async () => {} }])).rejects.toMatchObject({ code: 'MIGRATIONS_INVALID' });
  });

  it('tells a migration which dialect it runs on and whether vectors work', async () => {
    const database = getDatabase();
    let seen: unknown;
    await migrate(database, [createUsers, createApps, { name: '2025-02-01-probe', up: async (_db, context) => void (seen = context) }]);
    expect(seen).toEqual({ dialect: database.dialect, vectorAvailable: database.vectorAvailable });
  });
});
