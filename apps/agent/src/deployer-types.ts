import type { AppManifest, ReleaseLimits } from '@marketplace/release';
import type { HomeLayout } from './agent-home.js';
import type { Runtime } from './runtimes/runtime.js';
import type { DeploymentReport } from './server-client.js';

/**
 * How an install or rollback ended. `reinstall-failed`: the running version installed again (Redeploy) did
 * not start or become healthy, and its copy installed before was put back; the report is of that copy
 * (`healthy` when it answers again), its reason code `REINSTALL_FAILED`.
 */
export type Outcome = { state: 'healthy' | 'rejected' | 'unhealthy' | 'rolled-back' | 'reinstall-failed'; report: DeploymentReport };

/** A verified release ready to install: its app.json, the bundle on disk and the hash the signed statement names. */
export interface DeployInput {
  manifest: AppManifest;
  bundlePath: string;
  sha256: string;
  /** Last check once the bundle is safely unpacked, before anything of it runs; a refusal stops the deployment. */
  admit?: () => Promise<{ code: string; message: string } | null>;
}

/** What `deploy` runs under the app's lock before installing: the verified release, or the report of its refusal. */
export type Prepare = (deployedVersion: string | undefined) => Promise<DeployInput | { refused: DeploymentReport }>;

export interface DeployerOptions {
  layout: HomeLayout;
  runtime: Runtime;
  limits?: Partial<ReleaseLimits>;
  /** Upper bound on the manifest's health timeout (tests shorten it). */
  maxHealthTimeoutMs?: number;
  /** How many earlier versions stay on disk for rollback. */
  keepVersions?: number;
  log?: (message: string) => void;
  /** Called (and awaited) before an app that declares MCP tools starts or is adopted: the agent starts its app-call listener then. */
  beforeAppCalls?: () => Promise<void>;
}
