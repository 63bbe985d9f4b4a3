import type { ColumnType } from 'kysely';

/** Column helpers for the tables each module declares in `modules/<module>/<module>-tables.ts`. */

/** Timestamps come back as Date; we write Date or ISO strings. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A JSON column: read as T, written as its JSON text. */
export type Json<T> = ColumnType<T, string, string>;
/** A timestamp the database fills in when omitted. */
export type DefaultNow = ColumnType<Date, Date | string | undefined, Date | string>;
