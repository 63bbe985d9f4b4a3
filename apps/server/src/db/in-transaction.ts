import type { Db } from './schema.js';

/**
 * Runs `work` in a transaction: the caller's own when `db` already is one (so a write can join the
 * transaction of the change it belongs to, e.g. an event written with it), else a new one.
 */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
