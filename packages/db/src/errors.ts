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

/** The HTTP status a server answering with this error would use (a hint; this package knows no HTTP). */
const HTTP_STATUS: Partial<Record<DatabaseErrorCode, number>> = {
  DATABASE_UNREACHABLE: 503,
  DATABASE_AUTH_FAILED: 503,
  DATABASE_NOT_FOUND: 503,
  DATABASE_IN_USE: 503,
  DATABASE_CLOSED: 503,
  JOB_QUEUE_NOT_STARTED: 503,
  JOB_QUEUE_FAILED: 503,
  BACKUP_FILE_INVALID: 422,
  RESTORE_MIGRATIONS_DIFFER: 409,
  RESTORE_SCHEMA_DIFFERS: 409,
};

/** The one error class of @marketplace/db: a stable `code` and a message that says what to do. */
export class DatabaseError extends Error {
  readonly code: DatabaseErrorCode;
  readonly httpStatus: number;

  constructor(code: DatabaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseError';
    this.code = code;
    this.httpStatus = HTTP_STATUS[code] ?? 500;
  }
}

export function isDatabaseError(value: unknown, code?: DatabaseErrorCode): value is DatabaseError {
  return value instanceof DatabaseError && (code === undefined || value.code === code);
}

/** The message of any thrown value, for wrapping it into an actionable one. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
