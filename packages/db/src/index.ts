export { createDatabase, type CreateDatabaseOptions } from './create-database.js';
export type { Database, DialectName, PoolStats, SqlResult } from './database.js';
export { DatabaseError, isDatabaseError, type DatabaseErrorCode } from './errors.js';
export { silentLogger, type Logger, type LogFn } from './logger.js';
export { appliedMigrations, migrate, migrationStatus, type Migration, type MigrationContext, type MigrationStatus } from './migrate.js';
