import { z } from 'zod';

/**
 * A backup is gzip'd JSON lines: one header, then for each table a `table` line followed by
 * its `row` lines, then `sequence` lines, then an `end` line (a file without it was cut short).
 * Values are PostgreSQL's own text forms (bytea as \x hex, timestamptz in UTC, numeric exact,
 * arrays as {…}, vectors as […]) or null, so every type comes back exactly on either dialect.
 */
export const BACKUP_FORMAT = 'marketplace-db-backup';
export const BACKUP_VERSION = 1;

export const headerLine = z.object({
  kind: z.literal('header'),
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  dialect: z.enum(['pglite', 'postgres']),
  createdAt: z.string(),
  migrations: z.array(z.string()),
});

export const tableLine = z.object({
  kind: z.literal('table'),
  name: z.string().min(1),
  columns: z.array(z.object({ name: z.string().min(1), type: z.string().min(1) })).min(1),
});

export const rowLine = z.object({ kind: z.literal('row'), values: z.array(z.string().nullable()) });

export const sequenceLine = z.object({
  kind: z.literal('sequence'),
  name: z.string().min(1),
  lastValue: z.string().regex(/^-?\d+$/),
  isCalled: z.boolean(),
});

export const endLine = z.object({ kind: z.literal('end'), tables: z.number().int().min(0), rows: z.number().int().min(0) });

export const bodyLine = z.discriminatedUnion('kind', [tableLine, rowLine, sequenceLine, endLine]);

export type BackupHeader = z.infer<typeof headerLine>;
export type BackupBodyLine = z.infer<typeof bodyLine>;
