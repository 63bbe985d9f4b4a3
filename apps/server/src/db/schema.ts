import type { Kysely } from 'kysely';
// The one arrow from shared infrastructure to the composition root, and type-only: the composition root
// joins every module's tables into DB; modules use it through `Db` below (see docs/ARCHITECTURE.md).
import type { DB } from '../composition/database-schema.js';

export type { DB };

/** The server's database handle, typed with every module's tables. */
export type Db = Kysely<DB>;
