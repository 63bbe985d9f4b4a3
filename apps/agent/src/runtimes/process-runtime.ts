import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { backoffDelay } from '@marketplace/mail';
import { AgentError } from '../agent-error.js';
import { closeLog, openAppLog, rotateIfLarge } from './rotating-log.js';
import type { RunningApp, Runtime, StartSpec } from './runtime.js';

const MAX_RESTARTS = 5;
const STABLE_AFTER_MS = 60_000;
/** How often an adopted app (started by an earlier agent process) is checked for being alive. */
const ADOPTED_POLL_MS = 1000;

/** The variables an app gets: nothing of the agent's own environment beyond what a program needs to run. */
export function restrictedEnv(spec: StartSpec): Record<string, string> {
  const env: Record<string, string> = {
    ...spec.settings,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: spec.dataDir,
    TMPDIR: spec.dataDir,
    LANG: process.env.LANG ?? 'C.UTF-8',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(spec.port),
    APP_NAME: spec.manifest.name,
    APP_VERSION: spec.manifest.version,
    APP_DATA_DIR: spec.dataDir,
  };
  if (process.env.TZ) env.TZ = process.env.TZ;
  return env;
}

/** argv of the start command: `node` is the Node.js running the agent; anything else must be a file inside the app. */
export function commandOf(spec: StartSpec): { file: string; args: string[] } {
  const [first, ...args] = spec.manifest.start as [string, ...string[]];
  if (first === 'node') return { file: process.execPath, args };
  const file = resolve(spec.dir, first);
  const inside = relative(spec.dir, file);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new AgentError('START_FAILED', `The start command "${first}" of ${spec.manifest.name} ${spec.manifest.version} is outside the app directory; the app must start with "node" or a file it ships.`);
  }
  return { file, args };
}

/** Apps as supervised local processes: restricted environment, own process group, logs to rotating files, restarts with backoff. */
export function createProcessRuntime(policy: { maxRestarts?: number; restartBaseMs?: number; restartMaxMs?: number } = {}): Runtime {
  const maxRestarts = policy.maxRestarts ?? MAX_RESTARTS;
  return {
    name: 'process',
    async available() {
      return { ok: true };
    },
    async start(spec) {
      mkdirSync(spec.dataDir, { recursive: true, mode: 0o700 });
      commandOf(spec);
      return supervise(spec, null);
    },
    adopt(pid, spec) {
      if (!alive(pid)) return null;
      return supervise(spec, pid);
    },
  };

  /**
   * One app under supervision: started here, or adopted from an agent that stopped (`adoptedPid`,
   * watched by polling since it is not our child). When it exits it is started again with backoff,
   * up to `maxRestarts` in a row; then the onGaveUp listeners hear why.
   */
  function supervise(spec: StartSpec, adoptedPid: number | null): RunningApp {
    const { file, args } = commandOf(spec);
    const note = (text: string) => {
      const fd = openAppLog(spec.logFile);
      writeSync(fd, text);
      closeLog(fd);
    };
    const rotation = setInterval(() => rotateIfLarge(spec.logFile), 30_000);
    rotation.unref();
    const gaveUp = new Set<(reason: string) => void>();
    let child: ChildProcess | null = null;
    let adopted = adoptedPid;
    let stopped = false;
    let restarts = 0;
    let startedAt = Date.now();
    let timer: NodeJS.Timeout | undefined;

    const exited = (how: string) => {
      note(`--- ${new Date().toISOString()} exited (${how})\n`);
      if (stopped) return;
      if (Date.now() - startedAt > STABLE_AFTER_MS) restarts = 0;
      restarts += 1;
      if (restarts > maxRestarts) {
        for (const listener of gaveUp) listener(`exited ${restarts} times (last: ${how}); not restarting`);
        return;
      }
      const delay = backoffDelay(restarts, { baseMs: policy.restartBaseMs ?? 500, maxMs: policy.restartMaxMs ?? 30_000 });
      timer = setTimeout(() => {
        if (!stopped) child = launch();
      }, delay);
    };

    const launch = (): ChildProcess => {
      startedAt = Date.now();
      note(`--- ${new Date().toISOString()} starting ${spec.manifest.name} ${spec.manifest.version} on port ${spec.port}\n`);
      const fd = openAppLog(spec.logFile);
      const proc = spawn(file, args, { cwd: spec.dir, env: restrictedEnv(spec), stdio: ['ignore', fd, fd], detached: true });
      closeLog(fd);
      proc.on('error', (error) => note(`--- could not start: ${error.message}\n`));
      proc.on('exit', (code, signal) => exited(signal ?? `code ${code}`));
      proc.unref();
      return proc;
    };

    // an adopted process is not our child: no exit event, so look every second whether it still runs
    const watcher = adopted
      ? setInterval(() => {
          if (adopted && !alive(adopted)) {
            clearInterval(watcher);
            adopted = null;
            exited('the adopted process ended');
          }
        }, ADOPTED_POLL_MS)
      : undefined;
    watcher?.unref();
    if (!adopted) child = launch();

    return {
      get pid() {
        return child?.pid ?? adopted ?? null;
      },
      port: spec.port,
      onGaveUp: (listener) => void gaveUp.add(listener),
      async stop() {
        stopped = true;
        clearTimeout(timer);
        clearInterval(rotation);
        clearInterval(watcher);
        const pid = adopted;
        if (pid) await killGroup(pid, () => !alive(pid));
        if (child?.pid && child.exitCode === null && child.signalCode === null) await killGroup(child.pid, () => child!.exitCode !== null || child!.signalCode !== null);
      },
    };
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGTERM to the app's process group, SIGKILL after 5 s. */
async function killGroup(pid: number, exited: () => boolean): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      try {
        process.kill(pid, name);
      } catch {}
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 5000;
  while (!exited() && alive(pid)) {
    if (Date.now() > deadline) {
      signal('SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  for (let i = 0; i < 40 && alive(pid) && !exited(); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
}

export const appLogFile = (logsDir: string, app: string) => join(logsDir, `${app}.log`);
