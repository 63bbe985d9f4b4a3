import type { Notice } from '../../http/notice.js';
import type { RequestState } from './pipeline-tables.js';

/** The pipeline after the AppSpec, in order: each step is one job (see pipeline-jobs.ts). */
export const PIPELINE_STEPS = ['generate', 'validate', 'package', 'scan', 'sign', 'publish'] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

/** The request state while a step runs. */
export const STATE_OF_STEP: Record<PipelineStep, RequestState> = {
  generate: 'generating',
  validate: 'validating',
  package: 'packaging',
  scan: 'scanning',
  sign: 'signing',
  publish: 'published',
};

export const nextStep = (step: PipelineStep): PipelineStep | undefined => PIPELINE_STEPS[PIPELINE_STEPS.indexOf(step) + 1];

export const jobName = (step: PipelineStep) => `pipeline.${step}`;

/**
 * A failure that retrying will not fix (the app fails its tests, a scan flags it): the request fails at once.
 * `notice` is the message as a code and its parameters, for the UI to word in the reader's language.
 */
export class StepFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly notice: Notice,
    readonly output?: string,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** A step that must wait for someone (a reviewer): it goes back to pending and the request takes `state` until it is queued again. */
export class StepParked extends Error {
  constructor(readonly state: 'awaiting-approval') {
    super(`waiting: ${state}`);
    this.name = 'StepParked';
  }
}
