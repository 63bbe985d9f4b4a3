import { join } from 'node:path';
import { createDatabase, createJobQueue, migrate, type JobQueue } from '@marketplace/db';
import { startMailHub, type MailHub } from '@marketplace/mail/hub';
import pino from 'pino';
import { loadConfig } from '../src/config/config.js';
import { jobDefinitions } from '../src/composition/jobs.js';
import { migrations } from '../src/composition/migrations.js';
import type { Db } from '../src/db/schema.js';
import { createLocalEventBus } from '../src/modules/events/event-bus.js';
import { createOrgKeys } from '../src/modules/org-keys/org-keys-service.js';
import { createTestApp, TEST_SECRET, type TestApp } from './helper.js';

export interface WebStack {
  hub: MailHub;
  queue: JobQueue;
  server: TestApp;
  /** http://127.0.0.1:<port> the browser opens. */
  base: string;
  close(): Promise<void>;
}

/**
 * The server as `marketplace serve` runs it on embedded defaults, for browser tests: the embedded mail hub
 * (Maildirs in `work`), the job workers and the HTTP app sharing one event bus (the browser's live
 * events come from it), listening on a free port.
 */
export async function startWebStack(work: string, rootPassphrase: string): Promise<WebStack> {
  const hub = await startMailHub({ dataDir: work, port: 0, fsync: false });
  const env = { DATA_DIR: work, SMTP_LISTEN_PORT: String(hub.port), ROOT_KEY_PASSPHRASE: rootPassphrase };
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, ...env });
  const database = await createDatabase({ memory: true });
  await migrate(database, migrations);
  const queue = createJobQueue(database, { pollingIntervalSeconds: 0.5 });
  const events = createLocalEventBus();
  const services = {
    events,
    db: database.db as Db,
    config,
    queue,
    keys: createOrgKeys(database.db, async () => config.rootKey.passphrase!),
    logger: pino({ level: 'silent' }),
    workDir: join(work, 'pipeline'),
    releaseValidityDays: 30,
  };
  for (const job of jobDefinitions(services)) queue.register(job);
  await queue.start();
  const server = await createTestApp({ database, jobs: queue, env, events });
  const base = (await server.app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
  return {
    hub,
    queue,
    server,
    base,
    async close() {
      await queue.stop({ graceful: false });
      await hub.close();
      await server.close();
      await server.database.close();
    },
  };
}
