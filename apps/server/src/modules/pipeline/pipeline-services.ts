import type { KeyObject } from 'node:crypto';
import type { JobQueue } from '@marketplace/db';
import type { Logger } from 'pino';
import type { Db } from '../../db/schema.js';
import type { Config } from '../../config/config.js';
import type { EventBus } from '../events/event-bus.js';

/** The organisation's current release signing key (module org-keys). */
export interface SigningKeys {
  signingKey(orgId: string): Promise<{ keyId: string; privateKey: KeyObject }>;
}

/** What the pipeline's jobs need from the rest of the server. */
export interface PipelineServices {
  db: Db;
  config: Config;
  queue: JobQueue;
  keys: SigningKeys;
  logger: Logger;
  /** Live updates (request steps, deliveries) for the SSE connections, in this or another process. */
  events: EventBus;
  /** Where a step may materialise files (validation); each run works in its own subdirectory. */
  workDir: string;
  /** A clamd daemon to scan bundles with (CLAMD_HOST / CLAMD_PORT); without it only the rule scanners run. */
  clamd?: { host: string; port: number };
  /** How long a signed release stays deployable (the freeze horizon). */
  releaseValidityDays: number;
}
