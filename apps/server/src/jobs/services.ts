import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobQueue } from '@marketplace/db';
import type { Db } from '../db/schema.js';
import type { PipelineServices } from '../modules/pipeline/pipeline-services.js';
import type { Runtime } from '../runtime.js';
import { AppError } from '../errors/app-error.js';

const RELEASE_VALIDITY_DAYS = 365;

/** The services the worker's jobs use, built once from the runtime. */
export function pipelineServices(runtime: Runtime, queue: JobQueue): PipelineServices {
  return {
    db: runtime.database.db as Db,
    queue,
    keys: {
      signingKey: async () => {
        throw new AppError('SIGNING_KEYS_UNAVAILABLE', 503, 'No organisation signing keys are configured in this server yet.');
      },
    },
    logger: runtime.logger,
    workDir: join(tmpdir(), 'marketplace-work'),
    releaseValidityDays: RELEASE_VALIDITY_DAYS,
    ...(runtime.config.clamd ? { clamd: { ...runtime.config.clamd } } : {}),
  };
}
