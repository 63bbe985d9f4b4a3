import { defineJob, type JobDefinition } from '@marketplace/db';
import type { Logger } from 'pino';
import { notice } from '../../http/notice.js';
import { jobName, nextStep, StepFailure, StepParked, type PipelineStep } from './pipeline-steps.js';
import type { PipelineServices } from './pipeline-services.js';
import { loadRequest, markDone, markFailed, markParked, markRunning, stepRow } from './pipeline-repository.js';
import { withEvents } from '../events/events-repository.js';
import { publishRequestEvent, requestEvent } from './request-events.js';

export interface StepData {
  orgId: string;
  requestId: string;
}

export type Request = NonNullable<Awaited<ReturnType<typeof loadRequest>>>;
export type StepRun = (context: { request: Request; services: PipelineServices; logger: Logger }) => Promise<void>;

const RETRY_LIMIT = 3;
/**
 * A worker that has not extended its step for this long is taken for dead (crash, kill -9): with
 * pg-boss's maintenance pass (JOB_MAINTENANCE_SECONDS) the step runs again within two minutes.
 */
export const STEP_HEARTBEAT_SECONDS = 45;

/**
 * One pipeline step as a job. Idempotent: a step already done only queues the next one (a crash
 * between finishing and queueing is healed by the retry), a failed or finished request is left
 * alone. A StepParked puts the step back to pending and lets the request wait (it is queued again
 * when the wait ends). A StepFailure fails the request at once; anything else is retried with backoff and fails
 * the request on the last attempt, with the step's error.
 */
export function stepJob(step: PipelineStep, services: PipelineServices, run: StepRun, options: { expireInSeconds: number; concurrency?: number }): JobDefinition<StepData> {
  const queueNext = async (data: StepData) => {
    const next = nextStep(step);
    if (next) await services.queue.send(jobName(next), data, { singletonKey: `${data.requestId}:${next}` });
  };
  return defineJob<StepData>({
    name: jobName(step),
    retryLimit: RETRY_LIMIT,
    retryDelay: 2,
    retryBackoff: true,
    expireInSeconds: options.expireInSeconds,
    heartbeatSeconds: Math.min(STEP_HEARTBEAT_SECONDS, options.expireInSeconds),
    policy: 'stately',
    concurrency: options.concurrency ?? 1,
    async handler(data, context) {
      const logger = services.logger.child({ component: 'pipeline', step, requestId: data.requestId, jobId: context.jobId, attempt: context.attempt }) as Logger;
      const request = await loadRequest(services.db, data.requestId);
      if (!request || request.org_id !== data.orgId) return { skipped: 'unknown request' };
      if (request.state === 'failed' || request.state === 'published') return { skipped: request.state };
      const row = await stepRow(services.db, data.requestId, step);
      if (row?.state === 'done') {
        await queueNext(data);
        return { skipped: 'already done' };
      }
      const started = performance.now();
      // Progress is announced live; a failure is recorded with its change (the outbox), so integrations hear it even after a crash.
      const announce = (state: 'running' | 'done' | 'parked') => publishRequestEvent(services.db, services.events, data.requestId, step, state);
      await markRunning(services.db, data.requestId, step);
      await announce('running');
      try {
        await run({ request, services, logger });
      } catch (error) {
        if (error instanceof StepParked) {
          await markParked(services.db, data.requestId, step, error.state);
          await announce('parked');
          logger.info({ state: error.state }, 'pipeline step waits');
          return { parked: error.state };
        }
        const final = error instanceof StepFailure || context.attempt > RETRY_LIMIT;
        logger.warn({ err: error, final }, 'pipeline step failed');
        if (!final) throw error;
        const failure = error instanceof StepFailure ? error : new StepFailure('STEP_ERROR', (error as Error).message, notice('failure.stepError', { message: (error as Error).message.slice(0, 500) }));
        await withEvents(services.db, services.events, async (trx, emit) => {
          await markFailed(trx, data.requestId, step, { code: failure.code, message: failure.message, notice: failure.notice, ...(failure.output ? { output: failure.output } : {}) }, started);
          await emit(await requestEvent(trx, data.requestId, step, 'failed'));
        });
        return { failed: failure.code };
      }
      await markDone(services.db, data.requestId, step, started);
      await announce('done');
      await queueNext(data);
      return { done: step };
    },
  });
}
