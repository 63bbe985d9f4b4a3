import { resolveAppSettings } from './app-settings.js';
import { readdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { extractBundle, parseAppManifest, type AppManifest, type ReleaseLimits } from '@marketplace/release';
import { AgentError } from './agent-error.js';
import type { HomeLayout } from './agent-home.js';
import { loadState, saveState, type AgentState, type AppRecord } from './agent-state.js';
import { freePort, healthReport, probeHealth, waitHealthy } from './health-check.js';
import { appLogFile } from './runtimes/process-runtime.js';
import type { RunningApp, Runtime } from './runtimes/runtime.js';
import type { DeploymentReport } from './server-client.js';

export type Outcome = { state: 'healthy' | 'rejected' | 'unhealthy' | 'rolled-back'; report: DeploymentReport };

export interface DeployerOptions {
  layout: HomeLayout;
  runtime: Runtime;
  limits?: Partial<ReleaseLimits>;
  /** Upper bound on the manifest's health timeout (tests shorten it). */
  maxHealthTimeoutMs?: number;
  /** How many earlier versions stay on disk for rollback. */
  keepVersions?: number;
  log?: (message: string) => void;
}

const LOG_TAIL_LINES = 40;

/**
 * Owns the apps on this workstation: unpacks a verified bundle beside the running version, starts
 * it, and moves the `current` pointer only once it is healthy; a version that does not become
 * healthy is stopped and the previous one keeps serving.
 */
export class Deployer {
  private state: AgentState = { apps: {} };
  private readonly running = new Map<string, RunningApp>();
  private readonly appLocks = new Map<string, Promise<unknown>>();
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly options: DeployerOptions) {}

  get layout() {
    return this.options.layout;
  }

  apps(): AppRecord[] {
    return Object.values(this.state.apps);
  }

  deployedVersion(app: string): string | undefined {
    return this.state.apps[app]?.current ?? undefined;
  }

  async load(): Promise<void> {
    this.state = await loadState(this.layout);
  }

  /** At start-up: drop half-unpacked or never-switched versions, then adopt or start every current version. */
  async startAll(): Promise<void> {
    await this.load();
    // versions a crashed agent had started but not switched to: stop them, their files go next
    for (const [app, starting] of Object.entries(this.state.starting ?? {})) {
      if (starting.pid && starting.pid !== this.state.apps[app]?.pid) await this.options.runtime.adopt(starting.pid, this.spec(await this.manifestOf(app, starting.version).catch(() => ({ name: app, version: starting.version }) as AppManifest), 0))?.stop();
    }
    this.state.starting = {};
    await this.removeStrayVersions();
    for (const record of this.apps()) {
      if (!record.current) continue;
      await this.ensureRunning(record);
    }
  }

  private async removeStrayVersions(): Promise<void> {
    let names: string[] = [];
    try {
      names = await readdir(this.layout.apps);
    } catch {
      return;
    }
    for (const name of names) {
      const record = this.state.apps[name];
      const keep = new Set([record?.current, ...(record?.previous ?? [])].filter(Boolean) as string[]);
      for (const entry of await readdir(join(this.layout.apps, name)).catch(() => [] as string[])) {
        if (entry === 'current') continue;
        if (!keep.has(entry)) await rm(join(this.layout.apps, name, entry), { recursive: true, force: true });
      }
    }
  }

  private async ensureRunning(record: AppRecord): Promise<void> {
    const manifest = await this.manifestOf(record.name, record.current!);
    const spec = this.spec(manifest, record.port ?? (await freePort()));
    if (record.pid) {
      const adopted = this.options.runtime.adopt(record.pid, spec);
      if (adopted && (await probeHealth(spec.port, record.healthPath)).ok) {
        this.running.set(record.name, adopted);
        return;
      }
      await adopted?.stop();
    }
    const started = await this.options.runtime.start(spec);
    this.watch(record.name, started);
    const health = await waitHealthy(spec.port, manifest.health.path, this.healthTimeout(manifest));
    await this.update(record.name, { pid: started.pid, port: spec.port, state: health.ok ? 'healthy' : 'unhealthy' });
  }

  private watch(app: string, running: RunningApp): void {
    this.running.set(app, running);
    running.onGaveUp((reason) => {
      this.options.log?.(`${app} stopped restarting: ${reason}`);
      void this.update(app, { state: 'unhealthy', pid: null });
    });
  }

  private spec(manifest: AppManifest, port: number) {
    return {
      manifest,
      settings: manifest.env ? resolveAppSettings(this.layout.root, manifest) : {},
      dir: join(this.layout.apps, manifest.name, manifest.version),
      dataDir: join(this.layout.data, manifest.name),
      port,
      logFile: appLogFile(this.layout.logs, manifest.name),
    };
  }

  private healthTimeout(manifest: AppManifest): number {
    const wanted = (manifest.health.timeoutSeconds ?? 30) * 1000;
    return Math.min(wanted, this.options.maxHealthTimeoutMs ?? wanted);
  }

  private async manifestOf(app: string, version: string): Promise<AppManifest> {
    const parsed = parseAppManifest(JSON.parse(await readFile(join(this.layout.apps, app, version, 'app.json'), 'utf8')));
    if (!parsed.ok) throw new AgentError('START_FAILED', `${app} ${version}: its app.json is no longer valid (${parsed.issues[0]?.message}); remove the app and install it again.`);
    return parsed.manifest;
  }

  private update(app: string, patch: Partial<AppRecord>): Promise<void> {
    const record = this.state.apps[app];
    if (record) Object.assign(record, patch, { updatedAt: new Date().toISOString() });
    this.saving = this.saving.catch(() => {}).then(() => saveState(this.layout, this.state));
    return this.saving;
  }

  private setStarting(app: string, value: { version: string; pid: number | null } | null): Promise<void> {
    this.state.starting ??= {};
    if (value) this.state.starting[app] = value;
    else delete this.state.starting[app];
    this.saving = this.saving.catch(() => {}).then(() => saveState(this.layout, this.state));
    return this.saving;
  }

  private put(record: AppRecord): Promise<void> {
    this.state.apps[record.name] = record;
    return this.update(record.name, {});
  }

  /** Serialises work on one app; different apps deploy side by side. */
  exclusive<T>(app: string, work: () => Promise<T>): Promise<T> {
    const previous = this.appLocks.get(app) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(work);
    this.appLocks.set(app, next);
    return next;
  }

  /** Deploys a verified release whose bundle is at `bundlePath`. Call inside `exclusive(app)`. */
  async deploy(manifest: AppManifest, bundlePath: string, expectedSha256: string): Promise<Outcome> {
    const app = manifest.name;
    const version = manifest.version;
    const base = { app, version };
    const dir = join(this.layout.apps, app, version);
    if (this.state.apps[app]?.current !== version) await rm(dir, { recursive: true, force: true });
    const extracted = await extractBundle(bundlePath, dir, this.options.limits ?? {}, { expectedSha256 });
    if (!extracted.ok) return { state: 'rejected', report: { ...base, state: 'rejected', reason: { code: extracted.code, message: extracted.message } } };

    const spec = this.spec(extracted.manifest, await freePort());
    let started: RunningApp;
    try {
      started = await this.options.runtime.start(spec);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      return this.failed(app, version, { code: 'START_FAILED', message: (error as Error).message }, undefined);
    }
    await this.setStarting(app, { version, pid: started.pid });
    let gaveUp: string | null = null;
    started.onGaveUp((reason) => (gaveUp = reason));
    const health = await waitHealthy(spec.port, extracted.manifest.health.path, this.healthTimeout(extracted.manifest), () => gaveUp);
    if (!health.ok) {
      await started.stop();
      await this.setStarting(app, null);
      const logTail = await this.logTail(app);
      await rm(dir, { recursive: true, force: true });
      return this.failed(app, version, { code: 'HEALTH_CHECK_FAILED', message: `${app} ${version} did not become healthy: ${health.detail}.` }, logTail, healthReport(health, spec.port));
    }

    const before = this.state.apps[app];
    const old = this.running.get(app);
    const previous = before?.current ? [before.current, ...before.previous.filter((v) => v !== before.current)] : (before?.previous ?? []);
    const keep = this.options.keepVersions ?? 2;
    const dropped = previous.slice(keep);
    delete this.state.starting?.[app];
    await this.put({ name: app, current: version, previous: previous.slice(0, keep), port: spec.port, pid: started.pid, state: 'healthy', healthPath: extracted.manifest.health.path, updatedAt: new Date().toISOString() });
    await this.pointCurrent(app, version);
    this.watch(app, started);
    await old?.stop();
    for (const stale of dropped) await rm(join(this.layout.apps, app, stale), { recursive: true, force: true });
    return { state: 'healthy', report: { ...base, state: 'healthy', health: healthReport(health, spec.port) } };
  }

  private async failed(app: string, version: string, reason: { code: string; message: string }, logTail: string | undefined, health?: DeploymentReport['health']): Promise<Outcome> {
    const record = this.state.apps[app];
    if (record?.current) {
      // the previous version kept serving on its own port; make sure it still does
      if (!this.running.get(app) || !(await probeHealth(record.port ?? 0, record.healthPath)).ok) await this.ensureRunning(record);
      return { state: 'rolled-back', report: { app, version, state: 'rolled-back', reason: { code: reason.code, message: `${reason.message} ${record.current} keeps serving.` }, health, logTail } };
    }
    return { state: 'unhealthy', report: { app, version, state: 'unhealthy', reason, health, logTail } };
  }

  /** `apps/<app>/current` → the version directory, replaced atomically (new symlink, then rename over). */
  private async pointCurrent(app: string, version: string): Promise<void> {
    const link = join(this.layout.apps, app, 'current');
    const temp = `${link}.${process.pid}.tmp`;
    await rm(temp, { force: true });
    await symlink(version, temp);
    await rename(temp, link);
  }

  async logTail(app: string, lines = LOG_TAIL_LINES): Promise<string> {
    try {
      const text = await readFile(appLogFile(this.layout.logs, app), 'utf8');
      return text.split('\n').slice(-lines - 1).join('\n').slice(-8000);
    } catch {
      return '';
    }
  }

  /** Records what the periodic health probe saw. */
  markHealth(app: string, state: 'healthy' | 'unhealthy'): Promise<void> {
    return this.update(app, { state });
  }

  /**
   * Back to the newest kept earlier version (operator's choice: allowed although it is older). On
   * success `restored` is the report of the version that serves again.
   */
  rollback(app: string, by: { code: string; message: (target: string) => string } = { code: 'OPERATOR_ROLLBACK', message: (target) => `Rolled back by the workstation's user to ${target}.` }): Promise<Outcome & { restored?: DeploymentReport }> {
    return this.exclusive(app, async () => {
      const record = this.state.apps[app];
      if (!record?.current) throw new AgentError('APP_NOT_DEPLOYED', `${app} is not deployed here; see: marketplace-agent list`);
      const target = record.previous[0];
      if (!target) throw new AgentError('NO_PREVIOUS_VERSION', `${app} has no earlier version kept on this workstation; nothing to roll back to.`);
      const manifest = await this.manifestOf(app, target);
      const spec = this.spec(manifest, await freePort());
      const started = await this.options.runtime.start(spec);
      const health = await waitHealthy(spec.port, manifest.health.path, this.healthTimeout(manifest));
      if (!health.ok) {
        await started.stop();
        return { state: 'unhealthy', report: { app, version: target, state: 'unhealthy', reason: { code: 'HEALTH_CHECK_FAILED', message: `${app} ${target} did not become healthy: ${health.detail}. ${record.current} keeps serving.` } } };
      }
      const from = record.current;
      const old = this.running.get(app) ?? (record.pid ? this.options.runtime.adopt(record.pid, spec) : null);
      await this.put({ ...record, current: target, previous: record.previous.slice(1), port: spec.port, pid: started.pid, state: 'healthy' });
      await this.pointCurrent(app, target);
      this.watch(app, started);
      await old?.stop();
      await rm(join(this.layout.apps, app, from), { recursive: true, force: true });
      return {
        state: 'rolled-back',
        report: { app, version: from, state: 'rolled-back', reason: { code: by.code, message: by.message(target) } },
        restored: { app, version: target, state: 'healthy', health: healthReport(health, spec.port) },
      };
    });
  }

  /** Stops the app and deletes its versions (its data directory stays). */
  remove(app: string): Promise<DeploymentReport> {
    return this.exclusive(app, async () => {
      const record = this.state.apps[app];
      if (!record?.current) throw new AgentError('APP_NOT_DEPLOYED', `${app} is not deployed here; see: marketplace-agent list`);
      const running = this.running.get(app) ?? (record.pid ? this.options.runtime.adopt(record.pid, this.spec(await this.manifestOf(app, record.current), record.port ?? 0)) : null);
      await running?.stop();
      this.running.delete(app);
      const version = record.current;
      await this.put({ ...record, current: null, previous: [], pid: null, port: null, state: 'removed' });
      await rm(join(this.layout.apps, app), { recursive: true, force: true });
      return { app, version, state: 'removed' };
    });
  }

  /** Stops supervising; apps keep running unless `stopApps` (the next start adopts them). */
  async close(options: { stopApps?: boolean } = {}): Promise<void> {
    if (options.stopApps) {
      for (const [app, running] of this.running) {
        await running.stop();
        await this.update(app, { pid: null, state: 'stopped' });
      }
    }
    this.running.clear();
    await this.saving.catch(() => {});
  }
}
