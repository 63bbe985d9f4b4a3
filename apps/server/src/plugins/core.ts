import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { ServerDatabase } from '../db/database.js';
import type { Db } from '../db/schema.js';
import type { JobQueue } from '@marketplace/db';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Extra checks /readyz runs besides the database ping (migrations, queues …). */
    readinessChecks: ReadinessCheck[];
    config: Config;
    database: ServerDatabase;
    db: Db;
    jobs: JobQueue | null;
  }
}

export interface CoreOptions {
  config: Config;
  database: ServerDatabase;
  jobs?: JobQueue | null;
}

/** The composition root's shared parts, decorated once so every plugin and route sees them. */
export default fp(
  async function core(app: FastifyInstance, options: CoreOptions) {
    app.decorate('config', options.config);
    app.decorate('database', options.database);
    app.decorate('db', options.database.db as Db);
    app.decorate('jobs', options.jobs ?? null);
    app.decorate('readinessChecks', []);
  },
  { name: 'database' },
);
