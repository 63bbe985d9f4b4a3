import { sql, type Kysely } from 'kysely';

/**
 * Run DDL one statement at a time: PGlite's extended query protocol (and prepared statements on
 * PostgreSQL) accept a single statement per call.
 */
export async function runStatements(db: Kysely<any>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
