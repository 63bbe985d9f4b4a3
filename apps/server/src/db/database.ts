import type { Kysely } from 'kysely';

/** What the server needs of a database handle (created by @marketplace/db's createDatabase). */
export interface ServerDatabase {
  db: Kysely<any>;
  dialect: 'pglite' | 'postgres';
  vectorAvailable: boolean;
  ping(): Promise<void>;
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}
