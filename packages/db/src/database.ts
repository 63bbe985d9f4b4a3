import type { Kysely } from 'kysely';

export type DialectName = 'pglite' | 'postgres';

export interface PoolStats {
  /** Connections open (PGlite: always 1). */
  total: number;
  /** Connections open and not in use. */
  idle: number;
  /** Queries or transactions waiting for a connection. */
  waiting: number;
}

export interface SqlResult {
  rows: any[];
}

/** An open database: the Kysely handle plus what the server needs around it. */
export interface Database {
  readonly db: Kysely<any>;
  readonly dialect: DialectName;
  /** Whether the pgvector extension is installed (`vector` columns can be used). */
  readonly vectorAvailable: boolean;
  /** Resolves when a trivial query round-trips; rejects with a DatabaseError otherwise. */
  ping(): Promise<void>;
  poolStats(): PoolStats;
  /** Raw SQL outside Kysely (pg-boss's adapter). Text without values may hold several statements. */
  executeSql(text: string, values?: unknown[]): Promise<SqlResult>;
  /**
   * Runs `work` while holding the lock `name`, shared by every process on this database
   * (PostgreSQL: a session advisory lock; PGlite: one process owns the database, so in-process).
   * Serialises first-start work such as migrations when several processes start at once.
   */
  withLock<T>(name: string, work: () => Promise<T>): Promise<T>;
  /**
   * PostgreSQL LISTEN on `channel` over its own connection (reconnecting after a failure);
   * `onMessage` gets each NOTIFY payload. Resolves to a function that stops listening.
   * PGlite: LISTEN on its one connection; only this process can notify (triggers, pg_notify), and
   * `onMessage` runs before the notifying statement's promise settles.
   */
  listen?(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
