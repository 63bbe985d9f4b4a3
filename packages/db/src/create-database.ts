import type { Database } from './database.js';
import { DatabaseError } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import { openPGlite } from './open-pglite.js';
import { openPostgres, parsePostgresUrl } from './open-postgres.js';

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
  if (url) {
    return openPostgres(parsePostgresUrl(url), logger);
  }
  if (options.memory) {
    return openPGlite(undefined, logger);
  }
  if (options.dataDir !== undefined) {
    if (options.dataDir.trim() === '') {
      throw new DatabaseError('DATABASE_OPTIONS_INVALID', 'The data directory is an empty string. Give a directory for the embedded database (for example ./data), or set DATABASE_URL to use PostgreSQL.');
    }
    return openPGlite(options.dataDir, logger);
  }
  throw new DatabaseError('DATABASE_OPTIONS_INVALID', 'No database was chosen: set DATABASE_URL to a postgres:// URL, or give a data directory for the embedded database (for example ./data).');
}
