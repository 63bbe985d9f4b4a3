import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProcessResult, type SandboxMode, type StartedProcess, sandboxed, startProcess } from './sandbox.js';

let runnerFile: Promise<string> | undefined;

/**
 * The sandbox runner as one plain ESM file, bundled once per process into a private directory that
 * goes when the process exits (a runner may be started before any validation's own directory exists).
 */
function bundledRunner(): Promise<string> {
  // esbuild loads on first use: a process that never validates an app never pays its start-up.
  runnerFile ??= import('esbuild')
    .then(({ build }) => build({
      entryPoints: [new URL('./runner.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    }))
    .then((result) => {
      const dir = mkdtempSync(join(tmpdir(), 'marketplace-validate-runner-'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, 'runner.mjs');
      writeFileSync(file, result.outputFiles[0]!.text);
      return file;
    });
  return runnerFile;
}

/** A started runner that has not been given its plan yet. */
export interface SandboxRunner {
  /** Hands the runner its plan file; resolves when it has exited. The run is killed after `timeoutMs`. */
  run(planFile: string, timeoutMs: number): Promise<ProcessResult>;
}

/** The environment the runner itself gets (its app and the tests get theirs from the plan). */
const runnerEnv = () => ({ TZ: process.env.TZ ?? 'UTC' });

async function startRunner(mode: SandboxMode): Promise<StartedProcess> {
  const file = await bundledRunner();
  // Its working directory is none of a validation's (it reads only absolute paths): an idle runner is in no validation's directory.
  return startProcess(sandboxed(mode, [process.execPath, file]), { cwd: '/', env: runnerEnv(), outputChars: 4_000 });
}

/** At most one idle runner per sandbox mode, started after a validation for the next one. */
const warm = new Map<SandboxMode, StartedProcess>();

function setIdle(runner: StartedProcess, idle: boolean): void {
  // An idle runner must not keep this process alive (a CLI exits; the runner sees its stdin close and ends too).
  for (const handle of [runner.child, runner.child.stdin, runner.child.stdout, runner.child.stderr] as { ref?(): void; unref?(): void }[]) {
    if (idle) handle?.unref?.();
    else handle?.ref?.();
  }
}

/**
 * A runner for one validation: the warm one started after the previous validation when there is one
 * (its Node.js start and network namespace are then off this validation's path), else a new one.
 * Each runner serves exactly one plan and exits; none is ever reused.
 */
export async function takeRunner(mode: SandboxMode): Promise<SandboxRunner> {
  let runner = warm.get(mode);
  warm.delete(mode);
  if (!runner || runner.child.exitCode !== null || runner.child.signalCode !== null) runner = await startRunner(mode);
  else setIdle(runner, false);
  const taken = runner;
  return {
    run(planFile, timeoutMs) {
      taken.limit(timeoutMs);
      taken.child.stdin!.end(`${planFile}\n`);
      return taken.finished;
    },
  };
}

/** Starts the next validation's runner now, unless one is waiting already. */
export async function warmRunner(mode: SandboxMode): Promise<void> {
  if (warm.has(mode)) return;
  const runner = await startRunner(mode);
  if (warm.has(mode)) {
    runner.child.stdin!.end();
    return;
  }
  setIdle(runner, true);
  warm.set(mode, runner);
  void runner.finished.then(() => {
    if (warm.get(mode) === runner) warm.delete(mode);
  });
}
