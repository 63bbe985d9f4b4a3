import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, createJobQueue, migrate, type JobQueue } from '@marketplace/db';
import { generateReleaseKey, loadPrivateKey, type GeneratedKey } from '@marketplace/release';
import pino from 'pino';
import { jobDefinitions } from '../src/composition/jobs.js';
import type { Db } from '../src/db/schema.js';
import type { FastifyBaseLogger, FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/composition/app.js';
import { loadConfig } from '../src/config/config.js';
import type { ServerDatabase } from '../src/db/database.js';
import { migrations } from '../src/composition/migrations.js';
import { createLocalEventBus, type EventBus } from '../src/modules/events/event-bus.js';
import { createOrgKeys } from '../src/modules/org-keys/org-keys-service.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface TestApp {
  app: FastifyInstance;
  database: ServerDatabase;
  close(): Promise<void>;
}

/** A fresh app on a fresh in-memory PGlite (or the database given), migrated. */
export async function createTestApp(options: { env?: Record<string, string>; database?: ServerDatabase; jobs?: JobQueue; events?: EventBus; logger?: FastifyBaseLogger } = {}): Promise<TestApp> {
  // No mail hub runs unless a test starts one (and sets SMTP_LISTEN_PORT): replies are then "not sent".
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, DATA_DIR: '/nonexistent-test-data-dir', RATE_LIMIT_PER_MINUTE: '100000', SMTP_LISTEN_PORT: '0', ...options.env });
  const database = options.database ?? ((await createDatabase({ memory: true })) as ServerDatabase);
  await migrate(database as any, migrations);
  const app = await buildApp({ config, database, jobs: options.jobs ?? null, ...(options.events ? { events: options.events } : {}), ...(options.logger ? { logger: options.logger } : {}) });
  await app.ready();
  return {
    app,
    database,
    async close() {
      await app.close();
      if (!options.database) await database.close();
    },
  };
}

export interface Account {
  token: string;
  refreshToken: string;
  userId: string;
  orgId: string;
  email: string;
}

let counter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}-${process.pid}-${Date.now()}-${++counter}@example.test`;

export async function register(app: FastifyInstance, overrides: Partial<{ organization: string; name: string; email: string; password: string }> = {}): Promise<Account> {
  const email = overrides.email ?? uniqueEmail('admin');
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { organization: overrides.organization ?? 'Acme Test', name: overrides.name ?? 'Ana Admin', email, password: overrides.password ?? 'correct horse battery staple' },
  });
  if (response.statusCode !== 201) throw new Error(`register failed: ${response.statusCode} ${response.body}`);
  const body = response.json();
  return { token: body.token, refreshToken: body.refreshToken, userId: body.user.id, orgId: body.organization.id, email };
}

/** Invite and accept: a second user of the same organisation with the given roles. */
export async function addUser(app: FastifyInstance, admin: Account, roles: string[]): Promise<Account> {
  const email = uniqueEmail(roles.join('-') || 'member');
  const invite = await app.inject({ method: 'POST', url: '/api/v1/invitations', headers: bearer(admin), payload: { email, roles } });
  if (invite.statusCode !== 201) throw new Error(`invite failed: ${invite.statusCode} ${invite.body}`);
  const accepted = await app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token: invite.json().token, name: `User ${roles.join(' ')}`, password: 'another long password 1' } });
  if (accepted.statusCode !== 201) throw new Error(`accept failed: ${accepted.statusCode} ${accepted.body}`);
  const body = accepted.json();
  return { token: body.token, refreshToken: body.refreshToken, userId: body.user.id, orgId: body.organization.id, email };
}

export const bearer = (account: { token: string }) => ({ authorization: `Bearer ${account.token}` });

export async function call(app: FastifyInstance, account: { token: string } | null, options: InjectOptions): Promise<LightMyRequestResponse> {
  return app.inject({ ...options, headers: { ...(account ? bearer(account) : {}), ...(options.headers ?? {}) } });
}

/**
 * An app with the server's jobs running (pipeline and distribution) on a fresh in-memory database,
 * signing with a release key of its own (returned, so a test can build the matching key list).
 */
export async function createPipelineApp(env: Record<string, string> = {}): Promise<{ t: TestApp; queue: JobQueue; releaseKey: GeneratedKey; close(): Promise<void> }> {
  const workDir = await mkdtemp(join(tmpdir(), 'pipeline-'));
  const releaseKey = generateReleaseKey();
  const database = await createDatabase({ memory: true });
  await migrate(database, migrations);
  const queue = createJobQueue(database, { pollingIntervalSeconds: 0.5 });
  // One bus for the jobs and the HTTP app, as in one server process.
  const events = createLocalEventBus();
  const services = {
    db: database.db as Db,
    // The jobs' files (Git export repositories) go under the run's own temporary folder.
    config: loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, SMTP_LISTEN_PORT: '0', DATA_DIR: workDir, ...env }),
    queue,
    // Releases signed with one test key; with ROOT_KEY_PASSPHRASE, with each organisation's own key (as served to agents).
    keys: env.ROOT_KEY_PASSPHRASE ? createOrgKeys(database.db, async () => env.ROOT_KEY_PASSPHRASE!) : { signingKey: async () => ({ keyId: releaseKey.keyId, privateKey: loadPrivateKey(releaseKey.privateKey) }) },
    logger: pino({ level: 'silent' }),
    events,
    workDir,
    releaseValidityDays: 30,
  };
  for (const job of jobDefinitions(services)) queue.register(job);
  await queue.start();
  const t = await createTestApp({ database, jobs: queue, env, events });
  return {
    t,
    queue,
    releaseKey,
    async close() {
      // Short jobs (a Git export writing its repository) end first; a long one (validation) is cut off after 5 s.
      await queue.stop({ graceful: true, timeoutMs: 5_000 });
      await t.close();
      await database.close();
      // A job cut off may still be writing under the folder: retry the removal rather than fail the test on ENOTEMPTY.
      await rm(workDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}
