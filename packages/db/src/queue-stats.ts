import type { Database } from './database.js';

/** Jobs of one queue that are not completed, as Prometheus and operators want them. */
export interface QueueStats {
  name: string;
  /** Waiting for their first run. */
  created: number;
  /** Waiting for another attempt after a failure. */
  retry: number;
  /** Running now (or held by a worker that died, until they expire). */
  active: number;
  /** Failed on their last attempt: the dead letter, kept for its retention period. */
  failed: number;
  /** Seconds the oldest job that may run now (created or retry, start time passed) has waited; 0 when none waits. */
  oldestWaitingSeconds: number;
}

interface StatsRow {
  name: string;
  created: string | number;
  retry: string | number;
  active: string | number;
  failed: string | number;
  oldest_waiting_seconds: string | number | null;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Depth and age of every pg-boss queue, read from its job table in one query (the same database for
 * every process, so any process can report the whole cluster). Empty when the queue's tables do not
 * exist yet (no process has started the job queue on this database).
 */
export async function queueStats(database: Database, schema = 'pgboss'): Promise<QueueStats[]> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`queueStats: schema must be a plain lower-case identifier (got '${schema}')`);
  const exists = await database.executeSql('SELECT to_regclass($1) IS NOT NULL AS present', [`${schema}.job`]);
  if (!(exists.rows[0] as { present: boolean } | undefined)?.present) return [];
  const { rows } = await database.executeSql(
    `SELECT name,
            count(*) FILTER (WHERE state = 'created') AS created,
            count(*) FILTER (WHERE state = 'retry') AS retry,
            count(*) FILTER (WHERE state = 'active') AS active,
            count(*) FILTER (WHERE state = 'failed') AS failed,
            EXTRACT(epoch FROM now() - min(start_after) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now())) AS oldest_waiting_seconds
       FROM ${schema}.job
      WHERE state IN ('created', 'retry', 'active', 'failed')
      GROUP BY name
      ORDER BY name`,
  );
  return (rows as StatsRow[]).map((row) => ({
    name: row.name,
    created: Number(row.created),
    retry: Number(row.retry),
    active: Number(row.active),
    failed: Number(row.failed),
    oldestWaitingSeconds: Math.max(0, Number(row.oldest_waiting_seconds ?? 0)),
  }));
}
