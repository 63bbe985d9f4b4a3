import pg from 'pg';

/**
 * One mapping of PostgreSQL types to JavaScript values for both dialects, so a module's
 * code and tests see the same values on PGlite and PostgreSQL:
 * int8 and numeric → string (exact), date → 'YYYY-MM-DD', interval → PostgreSQL text,
 * timestamptz → Date, bytea → Buffer, json/jsonb → parsed, vector → '[1,2,3]' text.
 */
const OID = { json: 114, jsonb: 3802, int8: 20, bytea: 17, date: 1082, interval: 1186, dateArray: 1182, intervalArray: 1187, textArray: 1009 } as const;

const identity = (value: string): string => value;

function parseByteaHex(value: string): Buffer {
  return Buffer.from(value.startsWith('\\x') ? value.slice(2) : value, 'hex');
}

/** Parsers handed to PGlite (`parsers` option). */
export const pgliteParsers: Record<number, (value: string) => unknown> = {
  [OID.int8]: identity,
  [OID.date]: identity,
  [OID.interval]: identity,
  [OID.bytea]: parseByteaHex,
};

/** A string is passed through as the value's text, as node-postgres does; anything else is encoded. */
const jsonText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
const byteaText = (value: unknown): string => (typeof value === 'string' ? value : `\\x${Buffer.from(value as Uint8Array).toString('hex')}`);

/** Serializers handed to PGlite (`serializers` option), matching node-postgres's parameter handling. */
export const pgliteSerializers: Record<number, (value: any) => string> = {
  [OID.json]: jsonText,
  [OID.jsonb]: jsonText,
  [OID.bytea]: byteaText,
};

/** Type parsers for node-postgres (`types` option of a pool), leaving pg's global ones alone. */
export const postgresTypes = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    if (oid === OID.date || oid === OID.interval) return identity;
    if (oid === OID.dateArray || oid === OID.intervalArray) return pg.types.getTypeParser(OID.textArray as never, 'text');
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  },
} as pg.CustomTypesConfig;
