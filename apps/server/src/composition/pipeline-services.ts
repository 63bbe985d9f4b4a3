import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobQueue } from '@marketplace/db';
import type { Db } from '../db/schema.js';
import type { PipelineServices } from '../modules/pipeline/pipeline-services.js';
import type { Runtime } from './runtime.js';
import type { OrgKeys } from '../modules/org-keys/org-keys-service.js';
import type { EventBus } from '../modules/events/event-bus.js';

const RELEASE_VALIDITY_DAYS = 365;

/** The services the worker's jobs use, built once from the runtime. */
export function pipelineServices(runtime: Runtime, queue: JobQueue, orgKeys: OrgKeys, events: EventBus): PipelineServices {
  return {
    db: runtime.database.db as Db,
    config: runtime.config,
    queue,
    keys: orgKeys,
    logger: runtime.logger,
    events,
    workDir: join(tmpdir(), 'marketplace-work'),
    releaseValidityDays: RELEASE_VALIDITY_DAYS,
    ...(runtime.config.clamd ? { clamd: { ...runtime.config.clamd } } : {}),
  };
}
