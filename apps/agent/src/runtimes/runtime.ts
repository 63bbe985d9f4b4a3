import type { AppManifest } from '@marketplace/release';

export interface StartSpec {
  manifest: AppManifest;
  /** The unpacked version directory. */
  dir: string;
  /** Kept across versions. */
  dataDir: string;
  port: number;
  logFile: string;
  /** The app's declared settings (app.json `env`) with their values. */
  settings?: Record<string, string>;
}

export interface RunningApp {
  pid: number | null;
  port: number;
  /** Stops the app (and its supervision); resolves once it has exited. */
  stop(): Promise<void>;
  /** Called when the app keeps failing after its restarts. */
  onGaveUp(listener: (reason: string) => void): void;
}

/**
 * One interface over the places an app can run. `process` (a supervised local process) is the
 * default; a container runtime plugs in here.
 */
export interface Runtime {
  name: string;
  available(): Promise<{ ok: true } | { ok: false; reason: string }>;
  start(spec: StartSpec): Promise<RunningApp>;
  /** Takes over an app a previous agent process left running (after a crash), when it is still alive. */
  adopt(pid: number, spec: StartSpec): RunningApp | null;
}
