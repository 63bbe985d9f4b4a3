import { randomUUID } from 'node:crypto';
import { cp, mkdir, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AppManifest, parseAppManifest } from '@marketplace/release';
import { type AppSpec, parseAppSpec } from '@marketplace/spec';
import { buildApp } from '../build-app.js';
import { GeneratorError } from '../errors.js';
import { GENERATORS } from '../kinds/registry.js';
import { readTemplate } from '../shared/read-template.js';
import { type SandboxMode, chooseSandbox, sandboxContainment } from './sandbox.js';
import { takeRunner, warmRunner } from './sandbox-runner.js';
import type { ValidationArtifacts } from './exercise/exercise-context.js';
import type { SandboxPlan, SandboxResult, StepNotice, ValidationStep } from './sandbox-plan.js';
import { sandboxSettings } from './sandbox-settings.js';

export interface ValidationLimits {
  buildMs: number;
  testMs: number;
  startMs: number;
  healthMs: number;
  exerciseMs: number;
  stopGraceMs: number;
  /** How much of the app's output a failed step keeps. */
  outputChars: number;
}

export interface ValidationReport {
  ok: boolean;
  steps: ValidationStep[];
  totalMs: number;
  /** Which network isolation ran: a network namespace, or the preload guard. */
  sandbox: SandboxMode;
  /** An API's OpenAPI document as the running app served it (left out when larger than MAX_OPENAPI_CHARS). */
  openapi?: Record<string, unknown>;
}

/** The report is stored with the version and its digest signed: a document larger than this is not worth keeping there. */
const MAX_OPENAPI_CHARS = 256 * 1024;

export interface ValidateOptions {
  dir: string;
  spec: AppSpec;
  manifest: AppManifest;
  limits?: Partial<ValidationLimits>;
  /** "auto" (default): a network namespace where possible, else the preload guard. */
  sandbox?: SandboxMode | 'auto';
  /** Keep `<dir>/.validate/<id>` after the run, to look at what happened. */
  keepSandbox?: boolean;
  /**
   * Start the next validation's sandbox runner when this one ends, so that the next one does not wait for
   * its Node.js start and network namespace (a server validating one request after another). Off for a
   * one-off validation, which would only start a process to end it.
   */
  warmNext?: boolean;
}

const DEFAULT_LIMITS: ValidationLimits = { buildMs: 60_000, testMs: 120_000, startMs: 15_000, healthMs: 30_000, exerciseMs: 30_000, stopGraceMs: 5_000, outputChars: 4_000 };

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function testSummary(output: string): { detail: string; notice: StepNotice } {
  const count = (label: string) => new RegExp(`^# ${label} (\\d+)$`, 'm').exec(output)?.[1] ?? '?';
  return { detail: `${count('pass')} passed, ${count('fail')} failed`, notice: { code: 'validation.testsRan', params: { passed: count('pass'), failed: count('fail') } } };
}

/**
 * Validates a generated app: build it, run its own tests, then start it in a sandbox (temp
 * working dir inside `dir`, only the declared environment, a memory limit, no network but
 * loopback), wait for its health path, use it once for real, and stop it with SIGTERM.
 */
export async function validateApp(options: ValidateOptions): Promise<ValidationReport> {
  const started = performance.now();
  const spec = parseAppSpec(options.spec);
  if (!spec.ok) throw new GeneratorError('INVALID_SPEC', `The AppSpec is not valid: ${spec.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}.`, { issues: spec.issues });
  const parsedManifest = parseAppManifest(options.manifest);
  if (!parsedManifest.ok) {
    throw new GeneratorError('INVALID_APP_DIR', `The app manifest is not valid: ${parsedManifest.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}.`);
  }
  const manifest = parsedManifest.manifest;
  const generator = GENERATORS.get(spec.spec.kind);
  if (!generator) throw new GeneratorError('UNKNOWN_KIND', `There is no generator for kind ${JSON.stringify(spec.spec.kind)}.`);
  const limits: ValidationLimits = { ...DEFAULT_LIMITS, healthMs: Math.min(DEFAULT_LIMITS.healthMs, manifest.health.timeoutSeconds * 1000), ...options.limits };
  let mode: SandboxMode;
  try {
    mode = chooseSandbox(options.sandbox ?? 'auto');
  } catch (error) {
    throw new GeneratorError('SANDBOX_FAILED', `Cannot validate: ${(error as Error).message}.`, { cause: error });
  }
  const dir = resolve(options.dir);
  const steps: ValidationStep[] = [];
  let artifacts: ValidationArtifacts = {};
  const report = (): ValidationReport => ({
    ok: steps.length === 6 && steps.every((step) => step.ok),
    steps,
    totalMs: Math.round(performance.now() - started),
    sandbox: mode,
    ...(artifacts.openapi && JSON.stringify(artifacts.openapi).length <= MAX_OPENAPI_CHARS ? { openapi: artifacts.openapi } : {}),
  });

  const buildStarted = performance.now();
  try {
    const built = await withTimeout(buildApp(dir), limits.buildMs, 'the build');
    steps.push({ name: 'build', ok: true, durationMs: Math.round(built.durationMs), detail: `dist/server.mjs, ${built.bytes} bytes`, notice: { code: 'validation.built', params: { path: 'dist/server.mjs', bytes: built.bytes } } });
  } catch (error) {
    steps.push({ name: 'build', ok: false, durationMs: Math.round(performance.now() - buildStarted), detail: (error as Error).message });
    return report();
  }

  const sandbox = join(dir, '.validate', randomUUID());
  const appDir = join(sandbox, 'app');
  // The app's own tests run in a copy of their own, side by side with the start in `app`: neither sees the other's files.
  const testDir = join(sandbox, 'test-run');
  const dataDir = join(sandbox, 'data');
  const tmpDir = join(sandbox, 'tmp');
  try {
    await Promise.all([appDir, testDir, dataDir, tmpDir].map((path) => mkdir(path, { recursive: true })));
    for (const target of [appDir, testDir]) {
      for (const entry of ['dist', 'test', 'app.json', 'package.json']) {
        await cp(join(dir, entry), join(target, entry), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      }
    }
    const nodeArgs = [`--max-old-space-size=${manifest.resources.memoryMb}`];
    if (mode === 'preload') {
      const guard = join(sandbox, 'net-guard.mjs');
      await writeFile(guard, readTemplate('validate/net-guard.mjs'));
      nodeArgs.push(`--import=${pathToFileURL(guard).href}`);
    }

    const testFiles = (await readdir(join(testDir, 'test')).catch(() => [] as string[])).filter((file) => file.endsWith('.test.mjs')).sort();
    if (testFiles.length === 0) {
      steps.push({ name: 'test', ok: false, durationMs: 0, detail: 'the app has no tests: add test/*.test.mjs (run with node --test)' });
      return report();
    }

    const { fixtures } = generator.build(spec.spec);
    const workstationDir = join(sandbox, 'workstation');
    const { env, files } = sandboxSettings(manifest, fixtures, { dataDir, workstationDir });
    await mkdir(workstationDir, { recursive: true });
    for (const file of files) await writeFile(file.path, file.content);
    // One test file runs in the test process itself (node:test reports the same TAP), several under `node --test`, one process each.
    const testCommand = testFiles.length === 1 ? ['--test-reporter=tap', `test/${testFiles[0]}`] : ['--test', ...testFiles.map((file) => `test/${file}`)];
    const plan: SandboxPlan = {
      kind: spec.spec.kind,
      appDir,
      nodeArgs,
      dieWithParent: sandboxContainment().dieWithParent,
      env,
      healthPath: manifest.health.path,
      fixtures,
      remote: (fixtures.remote ?? {}) as SandboxPlan['remote'],
      startMs: limits.startMs,
      healthMs: limits.healthMs,
      exerciseMs: limits.exerciseMs,
      stopGraceMs: limits.stopGraceMs,
      outputChars: limits.outputChars,
      resultFile: join(sandbox, 'result.json'),
      test: {
        argv: [process.execPath, ...testCommand],
        cwd: testDir,
        env: { TZ: process.env.TZ ?? 'UTC', TMPDIR: tmpDir, NODE_ENV: 'test', NODE_OPTIONS: nodeArgs.join(' ') },
        timeoutMs: limits.testMs,
      },
    };
    await writeFile(join(sandbox, 'plan.json'), JSON.stringify(plan));
    const budget = Math.max(limits.testMs, limits.startMs + limits.healthMs + limits.exerciseMs + limits.stopGraceMs) + 10_000;
    // One sandbox (one runner) per validation: the runner starts the app's tests in their own process and, beside them,
    // its own start/health/exercise/stop of the app. The report keeps their order (a failing test still ends it there).
    const runner = await takeRunner(mode);
    const run = await runner.run(join(sandbox, 'plan.json'), budget);
    const result = await readFile(plan.resultFile, 'utf8').then(
      (text) => JSON.parse(text) as SandboxResult,
      () => undefined,
    );
    const runnerFailure = run.timedOut ? `the sandbox run took longer than ${budget} ms` : `the sandbox runner failed: ${result?.error ?? `exit code ${run.code}`}`;
    const tests = result?.test;
    if (!tests) {
      steps.push({ name: 'test', ok: false, durationMs: Math.round(run.durationMs), detail: runnerFailure, output: run.output });
      return report();
    }
    const testsOk = tests.code === 0 && !tests.timedOut;
    steps.push({
      name: 'test',
      ok: testsOk,
      durationMs: tests.durationMs,
      ...(tests.timedOut ? { detail: `the tests took longer than ${limits.testMs} ms` } : testSummary(tests.output)),
      ...(testsOk ? {} : { output: tests.output }),
    });
    if (!testsOk) return report();

    steps.push(...(result?.steps ?? []));
    artifacts = result?.artifacts ?? {};
    if (!result || result.error) {
      steps.push({ name: steps.some((step) => step.name === 'start') ? 'stop' : 'start', ok: false, durationMs: Math.round(run.durationMs), detail: runnerFailure, output: run.output });
    }
    return report();
  } finally {
    if (options.warmNext) void warmRunner(mode).catch(() => {}); // the next validation starts one itself
    if (!options.keepSandbox) await rm(sandbox, { recursive: true, force: true });
    // Leave no empty .validate behind (it stays while another validation of this dir runs).
    await rmdir(join(dir, '.validate')).catch(() => {});
  }
}
