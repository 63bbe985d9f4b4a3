export { createDatabase, type CreateDatabaseOptions } from './create-database.js';
export type { Database, DialectName, PoolStats, SqlResult } from './database.js';
export { DatabaseError, isDatabaseError, type DatabaseErrorCode } from './errors.js';
export { silentLogger, type Logger, type LogFn } from './logger.js';
export { appliedMigrations, migrate, migrationStatus, type Migration, type MigrationContext, type MigrationStatus } from './migrate.js';
export type { DeadLetterJob } from './dead-letter.js';
export { defineJob, type JobContext, type JobDefinition, type JobPolicy } from './define-job.js';
export { createJobQueue, type JobInfo, type JobQueue, type JobQueueOptions, type JobState, type SendOptions } from './job-queue.js';
