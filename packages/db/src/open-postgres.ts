import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { DatabaseError, messageOf } from './errors.js';
import type { Logger } from './logger.js';
import { postgresTypes } from './type-parsers.js';

/** `postgres://user:***@host:port/db`, for messages: never the password. */
export function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '***';
  return copy.href;
}

export function parsePostgresUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DatabaseError('DATABASE_URL_INVALID', 'DATABASE_URL is not a valid URL. Use postgres://user:password@host:5432/database, or unset it to use the embedded database in ./data/db.');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new DatabaseError('DATABASE_URL_INVALID', `DATABASE_URL must start with postgres:// or postgresql:// (got ${url.protocol}//). Use postgres://user:password@host:5432/database, or unset it to use the embedded database in ./data/db.`);
  }
  if (!url.hostname && !url.searchParams.has('host')) {
    throw new DatabaseError('DATABASE_URL_INVALID', `DATABASE_URL has no host (${redactUrl(url)}). Use postgres://user:password@host:5432/database.`);
  }
  return url;
}

/** Turns a connection failure into an error that names DATABASE_URL and what to check. */
export function connectionError(error: unknown, url: URL): DatabaseError {
  const where = redactUrl(url);
  const code = (error as { code?: string }).code;
  if (code === '28P01' || code === '28000') {
    return new DatabaseError('DATABASE_AUTH_FAILED', `PostgreSQL at ${where} (DATABASE_URL) refused the login: ${messageOf(error)}. Check the user and password in DATABASE_URL.`, { cause: error });
  }
  if (code === '3D000') {
    return new DatabaseError('DATABASE_NOT_FOUND', `PostgreSQL at ${where} (DATABASE_URL) has no such database: ${messageOf(error)}. Create it (createdb) or fix the database name in DATABASE_URL.`, { cause: error });
  }
  return new DatabaseError('DATABASE_UNREACHABLE', `Cannot reach PostgreSQL at ${where} (DATABASE_URL): ${messageOf(error) || code}. Check that the server is running and that DATABASE_URL's host and port are right.`, { cause: error });
}

async function installVector(pool: pg.Pool, logger: Logger): Promise<boolean> {
  const installed = await pool.query("select 1 from pg_extension where extname = 'vector'");
  if (installed.rowCount) return true;
  const available = await pool.query("select 1 from pg_available_extensions where name = 'vector'");
  if (!available.rowCount) {
    logger.info('pgvector is not installed on this PostgreSQL server: vector search is off (install postgresql-<version>-pgvector to turn it on)');
    return false;
  }
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS vector');
    return true;
  } catch (error) {
    logger.info({ reason: messageOf(error) }, 'pgvector could not be enabled on this PostgreSQL server: vector search is off (a superuser can run CREATE EXTENSION vector)');
    return false;
  }
}

export interface PostgresOptions {
  connectionTimeoutMillis?: number;
  max?: number;
}

/** Connects a pg.Pool to `url`, checks it answers, and enables pgvector where it can. */
export async function openPostgres(url: URL, logger: Logger, options: PostgresOptions = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url.href,
    types: postgresTypes,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
    max: options.max ?? 10,
    application_name: 'marketplace',
  });
  pool.on('error', (error) => logger.warn({ err: error }, 'an idle PostgreSQL connection failed; the pool replaces it'));

  let vectorAvailable: boolean;
  try {
    await pool.query('select 1');
    vectorAvailable = await installVector(pool, logger);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectionError(error, url);
  }

  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  logger.debug({ url: redactUrl(url), vectorAvailable }, 'PostgreSQL pool open');

  return {
    db,
    dialect: 'postgres',
    vectorAvailable,
    async ping() {
      if (closed) throw new DatabaseError('DATABASE_CLOSED', 'The database handle was closed; open a new one with createDatabase().');
      try {
        await sql`select 1`.execute(db);
      } catch (error) {
        throw connectionError(error, url);
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    executeSql: async (text, values) => {
      const result = await pool.query(text, values as unknown[] | undefined);
      // A multi-statement text returns one result per statement; pg-boss reads the last.
      const last = Array.isArray(result) ? result.at(-1) : result;
      return { rows: (last as pg.QueryResult | undefined)?.rows ?? [] };
    },
    async withLock(name, work) {
      const client = await pool.connect().catch((error: unknown) => {
        throw connectionError(error, url);
      });
      let broken = false;
      try {
        await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [name]);
        try {
          return await work();
        } finally {
          await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [name]).catch(() => {
            broken = true; // the session ends with the connection, and the lock with it
          });
        }
      } finally {
        client.release(broken);
      }
    },
    listen: (channel, onMessage) => listenPostgres(url, channel, onMessage, logger),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/** LISTEN on one dedicated connection; a lost connection is replaced after a second until stopped. */
async function listenPostgres(url: URL, channel: string, onMessage: (payload: string) => void, logger: Logger): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new DatabaseError('DATABASE_OPTIONS_INVALID', `"${channel}" is not a usable LISTEN channel: use lower-case letters, digits and "_".`);
  let stopped = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;
  const reconnect = (): void => {
    if (!stopped) retry = setTimeout(() => void connect().catch(reconnect), 1000);
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url.href, application_name: 'marketplace-listen', connectionTimeoutMillis: 10_000 });
    next.on('notification', (message) => {
      if (message.channel === channel) onMessage(message.payload ?? '');
    });
    next.on('error', (error) => {
      logger.warn({ err: error, channel }, 'the LISTEN connection failed; reconnecting');
      next.end().catch(() => undefined);
    });
    next.on('end', () => {
      if (client !== next) return;
      client = null;
      reconnect();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw connectionError(error, url);
    }
    if (stopped) await next.end().catch(() => undefined);
    else client = next;
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
