/** The server's database handle is @marketplace/db's, with the server's schema on top (db/schema.ts). */
export type { Database as ServerDatabase } from '@marketplace/db';
