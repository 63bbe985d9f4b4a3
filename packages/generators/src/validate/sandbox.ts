import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

/**
 * How the app under validation is kept off the network:
 * - "netns": a new network namespace (`unshare --net`, root only) with just loopback up; the
 *   app and the client exercising it both run inside, so nothing else is reachable at all;
 * - "preload": a `--import` module that makes every non-loopback connection fail.
 */
export type SandboxMode = 'netns' | 'preload';

let ipCommand: string | null | undefined;

/** The `ip` binary when a network namespace can be made here (root, unshare and ip present), else null. */
export function networkNamespaceTool(): string | null {
  if (ipCommand !== undefined) return ipCommand;
  ipCommand = null;
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return ipCommand;
  const found = spawnSync('/bin/sh', ['-c', 'command -v ip'], { encoding: 'utf8', timeout: 5000 });
  const ip = found.status === 0 ? found.stdout.trim() : '';
  if (!ip) return ipCommand;
  const probe = spawnSync('unshare', ['--net', '--', ip, 'link', 'set', 'lo', 'up'], { timeout: 5000 });
  if (probe.status === 0) ipCommand = ip;
  return ipCommand;
}

export function chooseSandbox(requested: SandboxMode | 'auto'): SandboxMode {
  if (requested === 'preload') return 'preload';
  const available = networkNamespaceTool() !== null;
  if (requested === 'netns' && !available) {
    throw new Error('a network namespace is not available here (it needs root, unshare and ip); use the preload sandbox');
  }
  return available ? 'netns' : 'preload';
}

let containment: { dieWithParent: string[]; pidNamespace: boolean } | undefined;

const works = (argv: string[]) => spawnSync(argv[0]!, argv.slice(1), { timeout: 5000, stdio: 'ignore' }).status === 0;

/**
 * How the sandbox's processes are tied to the process that starts them, so that none outlives a
 * worker killed with -9: `setpriv --pdeathsig KILL` kills the sandbox's first process when its parent
 * dies; a PID namespace (`unshare --pid --fork --kill-child`, root) takes every process inside with it.
 */
export function sandboxContainment(): { dieWithParent: string[]; pidNamespace: boolean } {
  if (containment) return containment;
  containment = { dieWithParent: [], pidNamespace: false };
  if (process.platform !== 'linux') return containment;
  if (works(['setpriv', '--pdeathsig', 'KILL', '--', 'true'])) containment.dieWithParent = ['setpriv', '--pdeathsig', 'KILL', '--'];
  if (process.getuid?.() === 0 && works(['unshare', '--pid', '--fork', '--kill-child', '--', 'true'])) containment.pidNamespace = true;
  return containment;
}

/**
 * argv wrapped so it runs in a fresh network namespace with loopback up (netns), or as is (preload);
 * either way tied to this process (see sandboxContainment).
 */
export function sandboxed(mode: SandboxMode, argv: readonly string[]): string[] {
  const { dieWithParent, pidNamespace } = sandboxContainment();
  const pid = pidNamespace ? ['--pid', '--fork', '--kill-child'] : [];
  if (mode === 'preload') return pidNamespace ? [...dieWithParent, 'unshare', ...pid, '--', ...argv] : [...dieWithParent, ...argv];
  const ip = networkNamespaceTool();
  if (!ip) throw new Error('a network namespace is not available here');
  return [...dieWithParent, 'unshare', '--net', ...pid, '--', '/bin/sh', '-c', `${JSON.stringify(ip)} link set lo up && exec "$@"`, 'sandbox', ...argv];
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
  durationMs: number;
}

/** A command started in its own process group; `finished` settles when it has exited (see startProcess). */
export interface StartedProcess {
  child: ChildProcess;
  /** Starts the `timeoutMs` clock: the whole group is killed (SIGKILL) when the command outlives it. */
  limit(timeoutMs: number): void;
  finished: Promise<ProcessResult>;
}

/**
 * Starts a command in its own process group with exactly `env` and keeps the tail of its output. The
 * group is killed when the command ends (anything it left behind goes too) or when it outlives the
 * limit set with `limit()`, which a warm process (started before its work is known) sets later.
 */
export function startProcess(argv: readonly string[], options: { cwd: string; env: Record<string, string>; outputChars: number }): StartedProcess {
  let started = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-options.outputChars);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.stdin!.on('error', () => {}); // a command that reads no input may exit before taking it
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {}
  };
  const finished = new Promise<ProcessResult>((resolve) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, timedOut, output: `${output}\n${error.message}`, durationMs: performance.now() - started });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      killGroup();
      resolve({ code, signal, timedOut, output, durationMs: performance.now() - started });
    });
  });
  return {
    child,
    finished,
    limit(timeoutMs) {
      started = performance.now();
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, timeoutMs);
    },
  };
}

/**
 * Runs a command in its own process group with exactly `env`, keeps the tail of its output
 * and kills the whole group (SIGKILL) when it outlives `timeoutMs`.
 */
export function runProcess(argv: readonly string[], options: { cwd: string; env: Record<string, string>; timeoutMs: number; outputChars: number }): Promise<ProcessResult> {
  const run = startProcess(argv, options);
  run.child.stdin!.end();
  run.limit(options.timeoutMs);
  return run.finished;
}
