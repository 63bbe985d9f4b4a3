import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, createJobQueue, migrate, type JobQueue } from '@marketplace/db';
import { generateReleaseKey, loadPrivateKey } from '@marketplace/release';
import pino from 'pino';
import { migrations } from '../src/db/migrations.js';
import { jobDefinitions } from '../src/jobs/registry.js';
import type { Db } from '../src/db/schema.js';
import { createTestApp, type TestApp } from './helper.js';

/** An app with the pipeline's jobs running (as in pipeline.test.ts), so conversations can build for real. */
export async function createPipelineApp(env: Record<string, string> = {}): Promise<{ t: TestApp; queue: JobQueue; close(): Promise<void> }> {
  const workDir = await mkdtemp(join(tmpdir(), 'conversations-'));
  const releaseKey = generateReleaseKey();
  const database = await createDatabase({ memory: true });
  await migrate(database, migrations);
  const queue = createJobQueue(database, { pollingIntervalSeconds: 0.5 });
  const services = {
    db: database.db as Db,
    queue,
    keys: { signingKey: async () => ({ keyId: releaseKey.keyId, privateKey: loadPrivateKey(releaseKey.privateKey) }) },
    logger: pino({ level: 'silent' }),
    workDir,
    releaseValidityDays: 30,
  };
  for (const job of jobDefinitions(services)) queue.register(job);
  await queue.start();
  const t = await createTestApp({ database, jobs: queue, env });
  return {
    t,
    queue,
    async close() {
      await queue.stop({ graceful: false });
      await t.close();
      await database.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
