import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { bodyLine, headerLine, type BackupHeader } from './backup-format.js';
import type { Database } from './database.js';
import { DatabaseError, isDatabaseError, messageOf } from './errors.js';
import { appliedMigrations } from './migrate.js';
import { listPublicTables, useCanonicalTextForms, type TableInfo } from './schema-catalog.js';

const MAX_PARAMETERS = 30_000;
const MAX_ROWS_PER_INSERT = 500;

export interface RestoreSummary {
  tables: number;
  rows: number;
  /** Dialect the backup was taken on. */
  from: 'pglite' | 'postgres';
}

function invalid(filePath: string, lineNumber: number, problem: string): DatabaseError {
  return new DatabaseError('BACKUP_FILE_INVALID', `${filePath} is not a usable backup (line ${lineNumber}): ${problem}. Use a file written by backupDatabase().`);
}

function parseLine<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, text: string, filePath: string, lineNumber: number): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(filePath, lineNumber, 'not JSON');
  }
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(filePath, lineNumber, result.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; '));
  return result.data;
}

function checkMigrations(header: BackupHeader, applied: string[]): void {
  const here = new Set(applied);
  const there = new Set(header.migrations);
  const onlyInFile = header.migrations.filter((name) => !here.has(name));
  const onlyHere = applied.filter((name) => !there.has(name));
  if (onlyInFile.length || onlyHere.length) {
    const parts = [onlyInFile.length ? `the file has ${onlyInFile.join(', ')} that this database has not applied` : '', onlyHere.length ? `this database has ${onlyHere.join(', ')} that the file lacks` : ''].filter(Boolean);
    throw new DatabaseError('RESTORE_MIGRATIONS_DIFFER', `The backup was taken at another schema version: ${parts.join('; ')}. Restore it with the same version of the server that wrote it (run its migrations on an empty database first); nothing was changed.`);
  }
}

/** The file's lines; a read or gunzip error ends them and is reported by `failure()`. */
function readLines(filePath: string): { iterator: AsyncIterator<string>; failure: () => unknown } {
  let error: unknown;
  const input = createReadStream(filePath);
  const gunzip = createGunzip();
  const lines = createInterface({ input: gunzip, crlfDelay: Infinity });
  const stop = (cause: unknown) => {
    error ??= cause;
    lines.close();
  };
  input.on('error', (cause) => {
    stop(cause);
    gunzip.destroy();
  });
  gunzip.on('error', stop);
  input.pipe(gunzip);
  return { iterator: lines[Symbol.asyncIterator](), failure: () => error };
}

async function insertRows(trx: Kysely<any>, table: TableInfo, rows: Array<Array<string | null>>): Promise<void> {
  if (rows.length === 0) return;
  const columns = sql.join(table.columns.map((column) => sql.id(column.name)));
  const tuples = rows.map((values) => sql`(${sql.join(values.map((value, index) => sql`${value}::text::${sql.raw(table.columns[index]!.type)}`))})`);
  await sql`insert into ${sql.id('public', table.name)} (${columns}) overriding system value values ${sql.join(tuples)}`.execute(trx);
}

/**
 * Replaces the contents of every `public` table with the backup in `filePath`, in one
 * transaction: all of it or nothing. Refuses a backup whose migrations or tables differ.
 */
export async function restoreDatabase(database: Database, filePath: string): Promise<RestoreSummary> {
  try {
    return await database.db.transaction().execute(async (trx) => {
      const { iterator, failure } = readLines(filePath);
      const first = await iterator.next();
      if (failure()) throw failure();
      if (first.done) throw invalid(filePath, 1, 'the file is empty');
      const header = parseLine(headerLine, first.value, filePath, 1);
      checkMigrations(header, await appliedMigrations(trx));

      await useCanonicalTextForms(trx);
      const superuser = await sql<{ yes: boolean }>`select rolsuper as yes from pg_roles where rolname = current_user`.execute(trx);
      // Foreign keys (and triggers) off while loading, as pg_restore --disable-triggers does: rows of
      // self-referencing tables may come in any order. Without superuser, parents-first order suffices.
      if (superuser.rows[0]?.yes) await sql`set local session_replication_role = replica`.execute(trx);

      const tables = new Map((await listPublicTables(trx)).map((table) => [table.name, table]));
      if (tables.size > 0) await sql`truncate ${sql.join([...tables.keys()].map((name) => sql.id('public', name)))} restart identity`.execute(trx);

      let current: TableInfo | undefined;
      let pending: Array<Array<string | null>> = [];
      let tableCount = 0;
      let rowCount = 0;
      let ended = false;
      const flush = async () => {
        if (current) await insertRows(trx, current, pending);
        pending = [];
      };
      for (let lineNumber = 2; ; lineNumber += 1) {
        const next = await iterator.next();
        if (failure()) throw failure();
        if (next.done) break;
        if (ended) throw invalid(filePath, lineNumber, 'data after the end line');
        const line = parseLine(bodyLine, next.value, filePath, lineNumber);
        if (line.kind === 'table') {
          await flush();
          current = tables.get(line.name);
          const expected = JSON.stringify(current?.columns);
          if (!current || expected !== JSON.stringify(line.columns)) {
            throw new DatabaseError('RESTORE_SCHEMA_DIFFERS', `Table "${line.name}" in the backup does not match this database (${current ? `columns ${line.columns.map((c) => `${c.name} ${c.type}`).join(', ')} vs ${current.columns.map((c) => `${c.name} ${c.type}`).join(', ')}` : 'no such table here'}). Restore into a database built by the same server version; nothing was changed.`);
          }
          tableCount += 1;
        } else if (line.kind === 'row') {
          if (!current) throw invalid(filePath, lineNumber, 'a row before any table');
          if (line.values.length !== current.columns.length) throw invalid(filePath, lineNumber, `a row of ${line.values.length} values for ${current.columns.length} columns of "${current.name}"`);
          pending.push(line.values);
          rowCount += 1;
          if (pending.length >= Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMETERS / current.columns.length))) await flush();
        } else if (line.kind === 'sequence') {
          await flush();
          current = undefined;
          await sql`select setval(${`public."${line.name.replaceAll('"', '""')}"`}::regclass, ${line.lastValue}::bigint, ${line.isCalled})`.execute(trx);
        } else {
          await flush();
          if (line.tables !== tableCount || line.rows !== rowCount) throw invalid(filePath, lineNumber, `the end line counts ${line.tables} tables and ${line.rows} rows, but the file holds ${tableCount} and ${rowCount}`);
          ended = true;
        }
      }
      if (!ended) throw invalid(filePath, 0, 'it ends before its end line (cut short?)');
      return { tables: tableCount, rows: rowCount, from: header.dialect };
    });
  } catch (error) {
    if (isDatabaseError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatabaseError('BACKUP_FILE_INVALID', `No backup file at ${filePath}. Check the path.`, { cause: error });
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new DatabaseError('BACKUP_FILE_INVALID', `${filePath} is not a gzip'd backup (${messageOf(error)}). Use a file written by backupDatabase().`, { cause: error });
    throw new DatabaseError('RESTORE_FAILED', `Restoring ${filePath} failed and nothing was changed: ${messageOf(error)}.`, { cause: error });
  }
}
