import type { Database } from './database.js';
import { DatabaseError } from './errors.js';
import { silentLogger, type Logger } from './logger.js';

export interface CreateDatabaseOptions {
  /** DATABASE_URL: a postgres:// URL selects PostgreSQL; it wins over `dataDir`. */
  url?: string;
  /** Where the embedded database lives: PGlite keeps its files in `<dataDir>/db`. */
  dataDir?: string;
  /** An in-memory PGlite that disappears on close (tests). */
  memory?: boolean;
  logger?: Logger;
}

/**
 * Opens the database the options name: PostgreSQL when `url` is set, else PGlite in
 * `<dataDir>/db`, else (with `memory: true`) an in-memory PGlite.
 */
export async function createDatabase(options: CreateDatabaseOptions): Promise<Database> {
  const logger = (options.logger ?? silentLogger).child({ component: 'db' });
  const url = options.url?.trim();
  // Each dialect's driver loads only when chosen: PostgreSQL never loads PGlite's WebAssembly, and the reverse.
  if (url) {
    const { openPostgres, parsePostgresUrl } = await import('./open-postgres.js');
    return openPostgres(parsePostgresUrl(url), logger);
  }
  if (options.memory) {
    const { openPGlite } = await import('./open-pglite.js');
    return openPGlite(undefined, logger);
  }
  if (options.dataDir !== undefined) {
    if (options.dataDir.trim() === '') {
      throw new DatabaseError('DATABASE_OPTIONS_INVALID', 'The data directory is an empty string. Give a directory for the embedded database (for example ./data), or set DATABASE_URL to use PostgreSQL.');
    }
    const { openPGlite } = await import('./open-pglite.js');
    return openPGlite(options.dataDir, logger);
  }
  throw new DatabaseError('DATABASE_OPTIONS_INVALID', 'No database was chosen: set DATABASE_URL to a postgres:// URL, or give a data directory for the embedded database (for example ./data).');
}
