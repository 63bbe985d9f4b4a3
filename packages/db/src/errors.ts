/** Stable codes for everything this package throws; a caller can switch on `code`. */
export type DatabaseErrorCode =
  | 'DATABASE_OPTIONS_INVALID'
  | 'DATABASE_URL_INVALID'
  | 'DATABASE_UNREACHABLE'
  | 'DATABASE_AUTH_FAILED'
  | 'DATABASE_NOT_FOUND'
  | 'DATABASE_IN_USE'
  | 'DATA_DIR_UNUSABLE'
  | 'DATABASE_CLOSED'
  | 'MIGRATIONS_INVALID'
  | 'MIGRATION_FAILED'
  | 'JOB_DEFINITION_INVALID'
  | 'JOB_NOT_REGISTERED'
  | 'JOB_QUEUE_NOT_STARTED'
  | 'JOB_QUEUE_FAILED'
  | 'BACKUP_FAILED'
  | 'BACKUP_FILE_INVALID'
  | 'RESTORE_MIGRATIONS_DIFFER'
  | 'RESTORE_SCHEMA_DIFFERS'
  | 'RESTORE_FAILED';

/** The one error class of @marketplace/db: a stable `code` and a message that says what to do. */
export class DatabaseError extends Error {
  readonly code: DatabaseErrorCode;

  constructor(code: DatabaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseError';
    this.code = code;
  }
}

export function isDatabaseError(value: unknown, code?: DatabaseErrorCode): value is DatabaseError {
  return value instanceof DatabaseError && (code === undefined || value.code === code);
}

/** The message of any thrown value, for wrapping it into an actionable one. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
