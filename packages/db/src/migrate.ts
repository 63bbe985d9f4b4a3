import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';
import type { Database, DialectName } from './database.js';
import { DatabaseError, messageOf } from './errors.js';

/** What a migration may need to know about the database it runs on. */
export interface MigrationContext {
  dialect: DialectName;
  vectorAvailable: boolean;
}

/** One schema change owned by a server module. Names sort in the order they must run. */
export interface Migration {
  name: string;
  up(db: Kysely<any>, context: MigrationContext): Promise<void>;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,199}$/;

function validate(migrations: readonly Migration[]): void {
  if (!Array.isArray(migrations)) throw new DatabaseError('MIGRATIONS_INVALID', 'migrate() needs an array of migrations ({ name, up }).');
  let previous: string | undefined;
  for (const [index, migration] of migrations.entries()) {
    const name: unknown = migration?.name;
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
      throw new DatabaseError('MIGRATIONS_INVALID', `Migration #${index + 1} has an invalid name (${JSON.stringify(name)}): use letters, digits, '.', '_', '-' or '/', for example "2025-01-15-users-create".`);
    }
    if (typeof migration.up !== 'function') throw new DatabaseError('MIGRATIONS_INVALID', `Migration "${name}" has no up(db) function.`);
    if (previous !== undefined && !(previous < name)) {
      throw new DatabaseError(
        'MIGRATIONS_INVALID',
        previous === name
          ? `Two migrations are named "${name}": every migration needs its own name.`
          : `Migrations must be listed in ascending name order, but "${name}" comes after "${previous}". Give them sortable names (for example a date prefix: "2025-01-15-users-create") and list them in that order.`,
      );
    }
    previous = name;
  }
}

/** Names of the migrations recorded as applied in this database, oldest first. */
export async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const exists = await sql<{ table: string | null }>`select to_regclass('public.kysely_migration')::text as "table"`.execute(db);
  if (!exists.rows[0]?.table) return [];
  const rows = await sql<{ name: string }>`select name from public.kysely_migration order by timestamp, name`.execute(db);
  return rows.rows.map((row) => row.name);
}

function checkHistory(applied: string[], migrations: readonly Migration[]): void {
  const known = new Set(migrations.map((migration) => migration.name));
  const missing = applied.find((name) => !known.has(name));
  if (missing) {
    throw new DatabaseError('MIGRATIONS_INVALID', `The database has migration "${missing}" applied, but it is not among the migrations given. A migration that ran must keep its name and stay in the list; restore it, or use a database made by this version.`);
  }
  for (const [index, name] of applied.entries()) {
    const expected = migrations[index]?.name;
    if (expected !== name) {
      throw new DatabaseError('MIGRATIONS_INVALID', `Migration "${expected}" is new but sorts before "${name}", which is already applied. Rename it so it sorts after every applied migration.`);
    }
  }
}

function migratorFor(database: Database, migrations: readonly Migration[]): Migrator {
  const context: MigrationContext = { dialect: database.dialect, vectorAvailable: database.vectorAvailable };
  const provider: MigrationProvider = {
    getMigrations: async () => Object.fromEntries(migrations.map((migration) => [migration.name, { up: (db: Kysely<any>) => migration.up(db, context) }])),
  };
  return new Migrator({ db: database.db, provider });
}

/** Which of `migrations` this database has applied and which are pending (for /readyz). */
export async function migrationStatus(database: Database, migrations: readonly Migration[]): Promise<MigrationStatus> {
  validate(migrations);
  const applied = await appliedMigrations(database.db);
  checkHistory(applied, migrations);
  return { applied, pending: migrations.slice(applied.length).map((migration) => migration.name) };
}

/**
 * Runs the pending migrations in order, all in one transaction, and returns the names it
 * applied. On failure nothing of this run stays and the error names the migration that failed.
 */
export async function migrate(database: Database, migrations: readonly Migration[]): Promise<string[]> {
  const { pending } = await migrationStatus(database, migrations);
  if (pending.length === 0) return [];
  const { error, results = [] } = await migratorFor(database, migrations).migrateToLatest();
  if (error) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    if (failed) {
      throw new DatabaseError(
        'MIGRATION_FAILED',
        `Migration "${failed}" failed: ${messageOf(error)}. None of the ${pending.length} pending migration(s) (${pending.join(', ')}) was applied; fix "${failed}" and start again.`,
        { cause: error },
      );
    }
    throw new DatabaseError('MIGRATION_FAILED', `Migrations could not run: ${messageOf(error)}.`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
