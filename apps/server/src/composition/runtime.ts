import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createDatabase, migrate, migrationStatus } from '@marketplace/db';
import pino, { type DestinationStream, type Logger } from 'pino';
import { loadConfig, type Config } from '../config/config.js';
import { resolveJwtSecret } from '../config/jwt-secret.js';
import type { ServerDatabase } from '../db/database.js';
import { migrations } from './migrations.js';
import { createLogger } from './logger.js';
import { assertRoleSettings, type Role } from './role-settings.js';

/** The advisory lock every process holds while it applies migrations. */
export const MIGRATIONS_LOCK = 'marketplace:migrations';

export interface Runtime {
  config: Config;
  logger: Logger;
  database: ServerDatabase;
  /** Generated a JWT secret on this start (development only). */
  generatedSecret: boolean;
  close(): Promise<void>;
}

/** Config, logger and a migrated database: what every command and role starts from. */
export async function openRuntime(options: { env?: Record<string, string | undefined>; migrate?: boolean; logToStderr?: boolean; role?: Role; logDestination?: DestinationStream } = {}): Promise<Runtime> {
  const loaded = loadConfig(options.env ?? process.env);
  if (options.role) assertRoleSettings(options.role, loaded);
  await mkdir(loaded.dataDir, { recursive: true });
  const { config, generated } = await resolveJwtSecret(loaded);
  const logger = createLogger(config, 'marketplace', options.logDestination ?? (options.logToStderr ? pino.destination(2) : undefined));
  const database = await createDatabase({ url: config.databaseUrl, dataDir: config.dataDir, logger: logger.child({ component: 'db' }) });
  try {
    if (options.migrate !== false) {
      // Processes starting at once on an empty database take turns: the first migrates, the rest find nothing to do.
      const applied = await database.withLock(MIGRATIONS_LOCK, () => migrate(database, migrations));
      if (applied.length) logger.info({ applied }, 'database migrated');
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  return { config, logger, database, generatedSecret: generated, close: () => database.close() };
}

export async function pendingMigrations(database: ServerDatabase): Promise<string[]> {
  const status = await migrationStatus(database, migrations);
  return status.pending;
}

export const mailDir = (config: Config) => join(config.dataDir, 'mail');
