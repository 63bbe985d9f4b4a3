import type { Database } from './database.js';

/** A job that failed on its last allowed attempt. */
export interface DeadLetterJob {
  name: string;
  id: string;
  data: unknown;
  lastError: string;
  attempts: number;
  createdOn: Date;
  startedOn: Date | null;
  failedOn: Date | null;
}

interface FailedRow {
  name: string;
  id: string;
  data: unknown;
  output: unknown;
  retry_count: number;
  created_on: Date;
  started_on: Date | null;
  completed_on: Date | null;
}

/** pg-boss keeps a thrown error as {message, …}, and its own timeouts as {value: {message}}. */
export function errorTextOf(output: unknown): string {
  if (output && typeof output === 'object') {
    const record = output as { message?: unknown; value?: unknown };
    if (typeof record.message === 'string') return record.message;
    if (record.value !== undefined) return errorTextOf(record.value);
  }
  if (typeof output === 'string') return output;
  return output === null || output === undefined ? 'no error recorded' : JSON.stringify(output);
}

export async function listFailedJobs(database: Database, schema: string, limit: number): Promise<DeadLetterJob[]> {
  const { rows } = await database.executeSql(
    `SELECT name, id::text AS id, data, output, retry_count, created_on, started_on, completed_on
       FROM ${schema}.job WHERE state = 'failed' ORDER BY completed_on DESC NULLS LAST, id LIMIT $1`,
    [limit],
  );
  return (rows as FailedRow[]).map((row) => ({
    name: row.name,
    id: row.id,
    data: row.data,
    lastError: errorTextOf(row.output),
    attempts: row.started_on ? Number(row.retry_count) + 1 : 0,
    createdOn: row.created_on,
    startedOn: row.started_on,
    failedOn: row.completed_on,
  }));
}

export async function failedJobName(database: Database, schema: string, id: string): Promise<string | null> {
  const { rows } = await database.executeSql(`SELECT name FROM ${schema}.job WHERE id = $1::uuid AND state = 'failed'`, [id]);
  return (rows[0] as { name: string } | undefined)?.name ?? null;
}
