import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql } from 'kysely';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupBodyLine, type BackupHeader } from './backup-format.js';
import type { Database } from './database.js';
import { DatabaseError, messageOf } from './errors.js';
import { appliedMigrations } from './migrate.js';
import { listPublicSequences, listPublicTables, useCanonicalTextForms } from './schema-catalog.js';

const FETCH_SIZE = 500;

export interface BackupSummary {
  tables: number;
  rows: number;
}

/**
 * Writes every table of schema `public` (not pg-boss's queue schema) to `filePath` as
 * gzip'd JSON lines, from one consistent snapshot. The file appears only once complete.
 */
export async function backupDatabase(database: Database, filePath: string): Promise<BackupSummary> {
  const partPath = `${filePath}.part`;
  const gzip = createGzip();
  const file = createWriteStream(partPath);
  const written = pipeline(gzip, file);
  written.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
  const write = async (line: BackupHeader | BackupBodyLine) => {
    if (!gzip.write(`${JSON.stringify(line)}\n`)) await once(gzip, 'drain');
  };

  let summary: BackupSummary = { tables: 0, rows: 0 };
  try {
    summary = await database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        await useCanonicalTextForms(trx);
        const header: BackupHeader = { kind: 'header', format: BACKUP_FORMAT, version: BACKUP_VERSION, dialect: database.dialect, createdAt: new Date().toISOString(), migrations: await appliedMigrations(trx) };
        await write(header);
        const tables = await listPublicTables(trx);
        let rows = 0;
        for (const table of tables) {
          await write({ kind: 'table', name: table.name, columns: table.columns });
          const texts = sql.join(table.columns.map((column, index) => sql`${sql.id(column.name)}::text as ${sql.id(`c${index}`)}`));
          await sql`declare backup_rows no scroll cursor for select ${texts} from ${sql.id('public', table.name)}`.execute(trx);
          for (;;) {
            const batch = await sql<Record<string, string | null>>`fetch ${sql.raw(String(FETCH_SIZE))} from backup_rows`.execute(trx);
            for (const row of batch.rows) await write({ kind: 'row', values: table.columns.map((_, index) => row[`c${index}`] ?? null) });
            rows += batch.rows.length;
            if (batch.rows.length < FETCH_SIZE) break;
          }
          await sql`close backup_rows`.execute(trx);
        }
        for (const sequence of await listPublicSequences(trx)) await write({ kind: 'sequence', ...sequence });
        await write({ kind: 'end', tables: tables.length, rows });
        return { tables: tables.length, rows };
      });
    gzip.end();
    await written;
    await rename(partPath, filePath);
    return summary;
  } catch (error) {
    gzip.destroy();
    await written.catch(() => undefined);
    await unlink(partPath).catch(() => undefined);
    throw new DatabaseError('BACKUP_FAILED', `The backup to ${filePath} failed: ${messageOf(error)}. Check that the directory exists and is writable; nothing was written.`, { cause: error });
  }
}
