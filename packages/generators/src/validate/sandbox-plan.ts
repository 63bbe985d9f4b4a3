import type { AppKind } from '@marketplace/spec';
import type { ValidationArtifacts } from './exercise/exercise-context.js';

export type StepName = 'build' | 'test' | 'start' | 'health' | 'exercise' | 'stop';

export interface StepNotice {
  code:
    | 'validation.built'
    | 'validation.testsRan'
    | 'validation.listening'
    | 'validation.healthAnswered'
    | 'validation.stopped'
    | 'validation.exercisedApi'
    | 'validation.exercisedDashboard'
    | 'validation.exercisedForm'
    | 'validation.exercisedAutomation'
    | 'validation.exercisedDataTool';
  params: Record<string, string | number>;
}

export interface ValidationStep {
  name: StepName;
  ok: boolean;
  durationMs: number;
  /** What was checked or what failed, in one line. */
  detail?: string;
  /** A passed check's `detail` as a stable code and its parameters, for a UI to word in its language. */
  notice?: StepNotice;
  /** The tail of the app's stdout and stderr, on failure. */
  output?: string;
}

/** What validateApp hands to the runner inside the sandbox (written as plan.json). */
export interface SandboxPlan {
  kind: AppKind;
  appDir: string;
  nodeArgs: string[];
  /** Put before the app's command so it dies with the runner (setpriv --pdeathsig), or empty. */
  dieWithParent: string[];
  /** The app's whole environment; values starting with "fixture:" get the fixture server's URL in front. */
  env: Record<string, string>;
  healthPath: string;
  fixtures: Record<string, unknown>;
  remote: Record<string, { type: string; body: string }>;
  startMs: number;
  healthMs: number;
  exerciseMs: number;
  stopGraceMs: number;
  outputChars: number;
  resultFile: string;
  /**
   * The app's own tests, which the runner starts first, in its sandbox, beside its own start of the app
   * (one sandbox per validation; decision 0064): their own process group, environment and time limit.
   */
  test: { argv: string[]; cwd: string; env: Record<string, string>; timeoutMs: number };
}

/** What the runner writes to the plan's result file. */
export interface SandboxResult {
  steps: ValidationStep[];
  artifacts?: ValidationArtifacts;
  /** How the app's tests ended: exit code, whether they ran out of time, the tail of their output. */
  test?: { code: number | null; timedOut: boolean; output: string; durationMs: number };
  error?: string;
}

export const FIXTURE_PREFIX = 'fixture:';
