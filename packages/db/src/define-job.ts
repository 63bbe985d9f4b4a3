import { z } from 'zod';
import { DatabaseError } from './errors.js';
import type { Logger } from './logger.js';

export interface JobContext {
  jobId: string;
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number;
  /** Carries component, job name, job id and attempt. */
  logger: Logger;
}

/**
 * How a queue treats `singletonKey`: 'standard' ignores keys (pg-boss's default); 'short'
 * keeps one queued job per key; 'singleton' runs one job per key at a time; 'stately' both.
 */
export type JobPolicy = 'standard' | 'short' | 'singleton' | 'stately';

export interface JobDefinition<TData> {
  /** Queue name: letters, digits, '_', '-', '.', '/'. */
  name: string;
  /** Retries after the first run before the job is dead-lettered. */
  retryLimit: number;
  /** Seconds before a retry. */
  retryDelay: number;
  /** Double the delay on every retry (with jitter). */
  retryBackoff: boolean;
  /** A run taking longer fails (without heartbeatSeconds, a crashed worker's job is retried after this). */
  expireInSeconds: number;
  /**
   * A worker silent this long is taken for dead (crash, kill -9) and its job is retried: while the
   * handler runs, the queue keeps the job's expiry this far ahead (renewed every third of it), up to
   * expireInSeconds in all.
   * Unset: only expireInSeconds.
   */
  heartbeatSeconds?: number;
  policy?: JobPolicy;
  /** How many runs of this job one process works on at once (default 1). */
  concurrency?: number;
  /** Must be idempotent: a job may run again after a crash between its effect and its completion. */
  handler(data: TData, context: JobContext): Promise<unknown>;
}

const definitionSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,99}$/, 'use 1-100 letters, digits, "_", "-", "." or "/"'),
  retryLimit: z.number().int().min(0).max(100),
  retryDelay: z.number().int().min(0).max(86_400),
  retryBackoff: z.boolean(),
  expireInSeconds: z.number().int().min(1).max(86_399),
  heartbeatSeconds: z.number().int().min(3).max(86_399).optional(),
  policy: z.enum(['standard', 'short', 'singleton', 'stately']).optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  handler: z.custom<(...args: unknown[]) => Promise<unknown>>((value) => typeof value === 'function', 'must be a function'),
});

/** Checks a job definition once, where it is written; returns it typed by its data. */
export function defineJob<TData>(definition: JobDefinition<TData>): JobDefinition<TData> {
  const result = definitionSchema.safeParse(definition);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'definition'}: ${issue.message}`).join('; ');
    throw new DatabaseError('JOB_DEFINITION_INVALID', `Job definition "${String((definition as { name?: unknown })?.name)}" is invalid: ${problems}.`);
  }
  if (definition.heartbeatSeconds !== undefined && definition.heartbeatSeconds > definition.expireInSeconds) {
    throw new DatabaseError('JOB_DEFINITION_INVALID', `Job definition "${definition.name}" is invalid: heartbeatSeconds (${definition.heartbeatSeconds}) must not exceed expireInSeconds (${definition.expireInSeconds}).`);
  }
  return Object.freeze({ ...definition });
}
