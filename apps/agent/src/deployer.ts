import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppManifest } from '@marketplace/release';
import { dropSnapshots, hasSnapshot, purgeData, restoreSnapshot, snapshotData, undoRestore } from './app-data.js';
import { extendReason, notice, reason, refusedRelease, type Reason } from './reason.js';
import { healthTimeoutOf, logTail as readLogTail, manifestOf, pointCurrent, removeStrayVersions, startSpec } from './app-files.js';
import { AgentError } from './agent-error.js';
import { StateStore, type AppRecord } from './agent-state.js';
import { freePort, healthReport, probeHealth, waitHealthy, type HealthResult } from './health-check.js';
import type { RunningApp } from './runtimes/runtime.js';
import type { DeploymentReport } from './server-client.js';
import type { DeployerOptions, DeployInput, Outcome, Prepare } from './deployer-types.js';

export type { DeployerOptions, DeployInput, Outcome, Prepare } from './deployer-types.js';

/** The reason code of a Redeploy whose fresh copy failed while the copy installed before serves again (see `reinstallFailed`). */
export const REINSTALL_FAILED = 'REINSTALL_FAILED';

/**
 * Owns the apps on this workstation: unpacks a verified bundle beside the running version, starts
 * it, and moves the `current` pointer only once it is healthy; a version that does not become
 * healthy is stopped and the previous one keeps serving.
 *
 * Its verbs: `open` (read the state), `adopt` (at start-up), `apps` / `deployedVersion`
 * (inventory), `deploy`, `rollback`, `remove`, `checkHealth`, `logTail`, `close`. Work on one app
 * is serialised; different apps deploy side by side.
 */
export class Deployer {
  private readonly running = new Map<string, RunningApp>();
  private readonly appLocks = new Map<string, Promise<unknown>>();
  /** Apps whose running version is stopped for an upgrade: not probed (their downtime is the upgrade's, not a failure). */
  private readonly upgrading = new Set<string>();

  private constructor(
    private readonly options: DeployerOptions,
    private readonly store: StateStore,
  ) {}

  /** A deployer over the state in `layout` (nothing is started: see `adopt`). */
  static async open(options: DeployerOptions): Promise<Deployer> {
    return new Deployer(options, await StateStore.open(options.layout));
  }

  private get state() {
    return this.store.state;
  }

  get layout() {
    return this.options.layout;
  }

  apps(): AppRecord[] {
    return Object.values(this.state.apps);
  }

  deployedVersion(app: string): string | undefined {
    return this.state.apps[app]?.current ?? undefined;
  }

  /** Whether `version` of `app` runs here now: the current one, or one started and being health-checked. */
  runs(app: string, version: string): boolean {
    return (Object.hasOwn(this.state.apps, app) && this.state.apps[app]!.current === version) || (this.state.starting !== undefined && Object.hasOwn(this.state.starting, app) && this.state.starting[app]!.version === version);
  }

  /**
   * At start-up: drop half-unpacked or never-switched versions, then adopt or start every current
   * version. Returns the reports of apps whose health changed meanwhile.
   */
  async adopt(): Promise<DeploymentReport[]> {
    // versions a crashed agent had started but not switched to: stop them, their files go next
    for (const [app, starting] of Object.entries(this.state.starting ?? {})) {
      if (starting.pid && starting.pid !== this.state.apps[app]?.pid) await this.options.runtime.adopt(starting.pid, startSpec(this.layout, await manifestOf(this.layout, app, starting.version).catch(() => ({ name: app, version: starting.version }) as AppManifest), 0))?.stop();
    }
    // an upgrade stopped by a crash: its version may have written to the data, which goes back to the
    // snapshot the left version was stopped with (what was written is set aside, never deleted)
    for (const [app, starting] of Object.entries(this.state.starting ?? {})) {
      const current = this.state.apps[app]?.current;
      if (!current || current === starting.version || !(await hasSnapshot(this.layout, app, current))) continue;
      const aside = await restoreSnapshot(this.layout, app, current, starting.version);
      this.options.log?.(`${app}: the upgrade to ${starting.version} was interrupted; data restored as ${current} left it${aside ? `, what was written since moved to ${aside}` : ''}`);
    }
    this.state.starting = {};
    // a redeploy stopped by a crash: the copy set aside (the same signed version, complete) goes back
    const interrupted = new Set<string>();
    for (const record of this.apps()) {
      if (!record.current) continue;
      const dir = join(this.layout.apps, record.name, record.current);
      if (!(await stat(`${dir}.reinstall`).catch(() => null))) continue;
      await rm(dir, { recursive: true, force: true });
      await rename(`${dir}.reinstall`, dir);
      interrupted.add(record.name);
      this.options.log?.(`${record.name}: the redeploy of ${record.current} was interrupted; the copy it replaced is back`);
    }
    await removeStrayVersions(this.layout, this.state);
    const changes: DeploymentReport[] = [];
    for (const record of this.apps()) {
      if (!record.current) continue;
      const before = record.state;
      const health = await this.ensureRunning(record);
      const state = health.ok ? 'healthy' : 'unhealthy';
      // a redeploy the crash cut short: the server heard it was deploying, and hears now which copy serves
      if (interrupted.has(record.name)) {
        const why = reason(REINSTALL_FAILED, `${record.name} ${record.current} installed again was interrupted when the agent stopped.`, notice('deployment.reinstallInterrupted', { app: record.name, version: record.current }));
        changes.push({
          app: record.name,
          version: record.current,
          state,
          reason: health.ok
            ? extendReason(why, 'The copy installed before keeps serving.', notice('deployment.previousCopyServes'))
            : extendReason(why, `The copy installed before was started again and does not answer either: ${health.detail}.`, notice('deployment.previousCopyDown'), health.notice),
          health: healthReport(health, record.port ?? 0),
        });
      }
      // an app that came back (or went down) while no agent watched it: the server hears it now
      else if (record.state !== before) changes.push({ app: record.name, version: record.current, state, health: healthReport(health, record.port ?? 0) });
    }
    return changes;
  }

  /** Takes over the app's process when it still runs and answers (and supervises it from now on), else starts it again. */
  private async ensureRunning(record: AppRecord): Promise<HealthResult> {
    const manifest = await manifestOf(this.layout, record.name, record.current!);
    const spec = await this.runSpec(manifest, record.port ?? (await freePort()));
    if (record.pid) {
      const adopted = this.options.runtime.adopt(record.pid, spec);
      const health = adopted ? await probeHealth(spec.port, record.healthPath) : null;
      if (adopted && health?.ok) {
        this.watch(record.name, adopted);
        await this.store.update(record.name, { state: 'healthy' });
        return health;
      }
      await adopted?.stop();
    }
    const started = await this.options.runtime.start(spec);
    this.watch(record.name, started);
    const health = await waitHealthy(spec.port, manifest.health.path, healthTimeoutOf(manifest, this.options.maxHealthTimeoutMs));
    await this.store.update(record.name, { pid: started.pid, port: spec.port, state: health.ok ? 'healthy' : 'unhealthy' });
    return health;
  }

  /** How a version that keeps running is started: an app that declares MCP tools needs the agent listening for its calls first. */
  private async runSpec(manifest: AppManifest, port: number) {
    if (manifest.permissions?.mcpTools) await this.options.beforeAppCalls?.();
    return startSpec(this.layout, manifest, port);
  }

  /** Supervision: the runtime restarts a crashed app with backoff; once it gives up, the next health check reports the app unhealthy. */
  private watch(app: string, running: RunningApp): void {
    this.running.set(app, running);
    running.onGaveUp((reason) => {
      this.options.log?.(`${app} stopped restarting: ${reason}`);
      void this.store.update(app, { pid: null });
    });
  }

  /** Serialises work on one app; different apps deploy side by side. */
  private exclusive<T>(app: string, work: () => Promise<T>): Promise<T> {
    const previous = this.appLocks.get(app) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(work);
    this.appLocks.set(app, next);
    return next;
  }

  /**
   * Installs a release of `app`: `prepare` (verification) runs under the app's lock, told the
   * version deployed now, so two releases of one app never pass the version check side by side.
   */
  deploy(app: string, prepare: Prepare | DeployInput): Promise<Outcome> {
    return this.exclusive(app, async () => {
      const input = typeof prepare === 'function' ? await prepare(this.deployedVersion(app)) : prepare;
      if ('refused' in input) return { state: 'rejected' as const, report: input.refused };
      try {
        return await this.install(input);
      } finally {
        this.upgrading.delete(app);
      }
    });
  }

  private async install({ manifest, bundlePath, sha256: expectedSha256, admit }: DeployInput): Promise<Outcome> {
    const app = manifest.name;
    const version = manifest.version;
    const base = { app, version };
    const dir = join(this.layout.apps, app, version);
    // Redeploy of the version running here: its files go aside (the running process keeps what it
    // loaded) and come back if the fresh copy is refused or does not become healthy
    const reinstall = this.state.apps[app]?.current === version;
    let aside: string | null = null;
    const restoreAside = async () => {
      if (!aside) return;
      await rm(dir, { recursive: true, force: true });
      await rename(aside, dir);
      aside = null;
    };
    if (reinstall) {
      aside = `${dir}.reinstall`;
      await rm(aside, { recursive: true, force: true });
      await rename(dir, aside);
    } else await rm(dir, { recursive: true, force: true });
    const { extractBundle } = await import('./release-bundle.js');
    const extracted = await extractBundle(bundlePath, dir, this.options.limits ?? {}, { expectedSha256 });
    if (!extracted.ok) {
      await restoreAside();
      return { state: 'rejected', report: { ...base, state: 'rejected', reason: refusedRelease(extracted.code, extracted.message) } };
    }
    const refused = await admit?.();
    if (refused) {
      await rm(dir, { recursive: true, force: true });
      await restoreAside();
      return { state: 'rejected', report: { ...base, state: 'rejected', reason: refused } };
    }
    // The version being left stops first, then its data is copied as its snapshot (a rollback to it
    // restores this copy): generated apps keep their records in memory and save whole files, so a copy
    // taken under a running writer, or two versions on one data directory, would lose records. The app
    // is unavailable from here until the new version is healthy (or the old one is back).
    const record = this.state.apps[app];
    const leaving = record?.current && record.current !== version ? record.current : null;
    // the same version on the same data: the running copy stops before the fresh one starts
    if (reinstall) {
      this.upgrading.add(app);
      await this.stopRunning(app, record!);
    }
    if (leaving) {
      this.upgrading.add(app);
      await this.stopRunning(app, record!);
      await snapshotData(this.layout, app, leaving).catch(async (error: unknown) => {
        await rm(dir, { recursive: true, force: true });
        await this.ensureRunning(record!);
        throw error;
      });
    }
    const giveUp = async (why: Reason, logTail: string | undefined, health?: DeploymentReport['health']) => {
      await rm(dir, { recursive: true, force: true });
      await restoreAside();
      // what the failed version wrote goes aside; the left version gets its data back as it left it
      const aside = leaving ? await restoreSnapshot(this.layout, app, leaving, version) : null;
      if (aside) this.options.log?.(`${app}: data written by ${version} moved to ${aside}`);
      const restored = !leaving
        ? why
        : aside
          ? extendReason(why, `The data was restored as ${leaving} left it; what ${version} wrote was moved to ${aside}.`, notice('deployment.dataRestoredAside', { version: leaving, newer: version, path: aside }))
          : extendReason(why, `The data was restored as ${leaving} left it.`, notice('deployment.dataRestored', { version: leaving }));
      return reinstall ? this.reinstallFailed(app, version, why, logTail) : this.failed(app, version, restored, logTail, health);
    };

    const spec = await this.runSpec(extracted.manifest, await freePort());
    let started: RunningApp;
    try {
      started = await this.options.runtime.start(spec);
    } catch (error) {
      const message = (error as Error).message;
      // inside a sentence of its own: without its closing full stop
      const inner = message.replace(/[.\s]+$/, '');
      return giveUp(
        reinstall
          ? reason(REINSTALL_FAILED, `${app} ${version} installed again did not start: ${inner}.`, notice('deployment.reinstallStartFailed', { app, version, error: inner }))
          : reason('START_FAILED', message, notice('deployment.startFailed', { app, version, error: message })),
        undefined,
      );
    }
    await this.store.setStarting(app, { version, pid: started.pid });
    let gaveUp: string | null = null;
    started.onGaveUp((reason) => (gaveUp = reason));
    const health = await waitHealthy(spec.port, extracted.manifest.health.path, healthTimeoutOf(extracted.manifest, this.options.maxHealthTimeoutMs), () => gaveUp);
    if (!health.ok) {
      await started.stop();
      await this.store.setStarting(app, null);
      const logTail = await readLogTail(this.layout, app);
      const why = reinstall
        ? reason(REINSTALL_FAILED, `${app} ${version} installed again did not become healthy: ${health.detail}.`, notice('deployment.reinstallHealthFailed', { app, version }), health.notice)
        : reason('HEALTH_CHECK_FAILED', `${app} ${version} did not become healthy: ${health.detail}.`, notice('deployment.healthCheckFailed', { app, version }), health.notice);
      return giveUp(why, logTail, healthReport(health, spec.port));
    }

    const before = this.state.apps[app];
    const old = this.running.get(app);
    const previous = before?.current && !reinstall ? [before.current, ...before.previous.filter((v) => v !== before.current)] : (before?.previous ?? []);
    const keep = this.options.keepVersions ?? 2;
    const dropped = previous.slice(keep);
    delete this.state.starting?.[app];
    await this.store.put({ name: app, current: version, previous: previous.slice(0, keep), port: spec.port, pid: started.pid, state: 'healthy', healthPath: extracted.manifest.health.path, updatedAt: new Date().toISOString() });
    await pointCurrent(this.layout, app, version);
    this.watch(app, started);
    await old?.stop();
    if (aside) await rm(aside, { recursive: true, force: true });
    for (const stale of dropped) await rm(join(this.layout.apps, app, stale), { recursive: true, force: true });
    await dropSnapshots(this.layout, app, previous.slice(0, keep));
    return { state: 'healthy', report: { ...base, state: 'healthy', health: healthReport(health, spec.port), logTail: await readLogTail(this.layout, app) } };
  }

  /** Stops the app's running version (supervised, or adopted by its pid) and stops supervising it. */
  private async stopRunning(app: string, record: AppRecord): Promise<void> {
    const running = this.running.get(app) ?? (record.pid && record.current ? this.options.runtime.adopt(record.pid, startSpec(this.layout, await manifestOf(this.layout, app, record.current), record.port ?? 0)) : null);
    this.running.delete(app);
    await running?.stop();
  }

  private async failed(app: string, version: string, why: Reason, logTail: string | undefined, health?: DeploymentReport['health']): Promise<Outcome> {
    const record = this.state.apps[app];
    if (record?.current) {
      // the previous version, stopped for the upgrade, starts again on its port
      if (!this.running.get(app) || !(await probeHealth(record.port ?? 0, record.healthPath)).ok) await this.ensureRunning(record);
      return { state: 'rolled-back', report: { app, version, state: 'rolled-back', reason: extendReason(why, `${record.current} keeps serving.`, notice('deployment.keepsServing', { version: record.current })), health, logTail } };
    }
    return { state: 'unhealthy', report: { app, version, state: 'unhealthy', reason: why, health, logTail } };
  }

  /**
   * A Redeploy whose fresh copy did not start or become healthy, its files already put back: the copy
   * installed before starts again, and the report is of that version as it runs now (healthy when it
   * answers), the failed attempt in its reason. Not `rolled-back`: nothing went back to another
   * version, and the server would close the deployment of the version that serves.
   */
  private async reinstallFailed(app: string, version: string, why: Reason, logTail: string | undefined): Promise<Outcome> {
    const record = this.state.apps[app]!;
    const running = this.running.get(app) ? await probeHealth(record.port ?? 0, record.healthPath) : null;
    const back = running?.ok ? running : await this.ensureRunning(record);
    const report: DeploymentReport = {
      app,
      version,
      state: back.ok ? 'healthy' : 'unhealthy',
      reason: back.ok
        ? extendReason(why, 'The copy installed before keeps serving.', notice('deployment.previousCopyServes'))
        : extendReason(why, `The copy installed before was started again and does not answer either: ${back.detail}.`, notice('deployment.previousCopyDown'), back.notice),
      health: healthReport(back, this.state.apps[app]?.port ?? 0),
      logTail,
    };
    return { state: 'reinstall-failed', report };
  }

  /** The last lines of the app's log (at most `lines`), redacted. */
  logTail(app: string, lines?: number): Promise<string> {
    return readLogTail(this.layout, app, lines);
  }

  /** Probes every deployed app's health path; returns the reports of those whose health changed (healthy ↔ unhealthy). */
  async checkHealth(): Promise<DeploymentReport[]> {
    const changes: DeploymentReport[] = [];
    for (const app of this.apps()) {
      if (!app.current || !app.port || this.upgrading.has(app.name)) continue;
      const sample = await probeHealth(app.port, app.healthPath, 2000);
      const now = sample.ok ? 'healthy' : 'unhealthy';
      if (now === app.state || (app.state !== 'healthy' && app.state !== 'unhealthy')) continue;
      await this.store.update(app.name, { state: now });
      changes.push({ app: app.name, version: app.current, state: now, health: healthReport(sample, app.port), logTail: await readLogTail(this.layout, app.name) });
    }
    return changes;
  }

  /**
   * Back to the newest kept earlier version (operator's choice: allowed although it is older). On
   * success `restored` is the report of the version that serves again.
   */
  rollback(app: string, by: (target: string) => Reason = (target) => reason('OPERATOR_ROLLBACK', `Rolled back by the workstation's user to ${target}.`, notice('deployment.rolledBackByOperator', { version: target }))): Promise<Outcome & { restored?: DeploymentReport; dataAside?: string }> {
    return this.exclusive(app, async () => {
      const record = this.state.apps[app];
      if (!record?.current) throw new AgentError('APP_NOT_DEPLOYED', `${app} is not deployed here; see: marketplace-agent list`);
      const target = record.previous[0];
      if (!target) throw new AgentError('NO_PREVIOUS_VERSION', `${app} has no earlier version kept on this workstation; nothing to roll back to.`);
      const from = record.current;
      const manifest = await manifestOf(this.layout, app, target);
      // with a snapshot of the target's data, the running version stops first (its writes end),
      // the data moves aside and the snapshot takes its place; without one, the target starts beside it
      const restoring = await hasSnapshot(this.layout, app, target);
      let old: RunningApp | null = null;
      let aside: string | null = null;
      if (restoring) {
        await this.stopRunning(app, record);
        aside = await restoreSnapshot(this.layout, app, target, from);
        if (aside) this.options.log?.(`${app}: data written since ${target} was left moved to ${aside}`);
      } else old = this.running.get(app) ?? (record.pid ? this.options.runtime.adopt(record.pid, startSpec(this.layout, await manifestOf(this.layout, app, from), record.port ?? 0)) : null);
      const spec = await this.runSpec(manifest, await freePort());
      const started = await this.options.runtime.start(spec);
      const health = await waitHealthy(spec.port, manifest.health.path, healthTimeoutOf(manifest, this.options.maxHealthTimeoutMs));
      if (!health.ok) {
        await started.stop();
        if (restoring) {
          await undoRestore(this.layout, app, target, aside);
          await this.ensureRunning(record);
        }
        const why = reason(
          'HEALTH_CHECK_FAILED',
          `${app} ${target} did not become healthy: ${health.detail}. ${from} keeps serving${restoring ? ' with its data' : ''}.`,
          notice('deployment.healthCheckFailed', { app, version: target }),
          health.notice,
          notice(restoring ? 'deployment.keepsServingWithData' : 'deployment.keepsServing', { version: from }),
        );
        return { state: 'unhealthy', report: { app, version: target, state: 'unhealthy', reason: why } };
      }
      await this.store.put({ ...record, current: target, previous: record.previous.slice(1), port: spec.port, pid: started.pid, state: 'healthy' });
      await pointCurrent(this.layout, app, target);
      this.watch(app, started);
      await old?.stop();
      await rm(join(this.layout.apps, app, from), { recursive: true, force: true });
      const done = by(target);
      const why = aside
        ? extendReason(done, `The data was restored as ${target} left it; what ${from} wrote was moved to ${aside}.`, notice('deployment.dataRestoredAside', { version: target, newer: from, path: aside }))
        : restoring
          ? extendReason(done, `The data was restored as ${target} left it.`, notice('deployment.dataRestored', { version: target }))
          : done;
      return {
        state: 'rolled-back',
        report: { app, version: from, state: 'rolled-back', reason: why },
        restored: { app, version: target, state: 'healthy', health: healthReport(health, spec.port) },
        ...(aside ? { dataAside: aside } : {}),
      };
    });
  }

  /**
   * Stops the app and deletes its versions; its data directory stays for a later install unless
   * `purge` (then the data and its snapshots go too). `purge` of an app removed before only
   * deletes its data, and answers null.
   */
  remove(app: string, options: { purge?: boolean } = {}): Promise<DeploymentReport | null> {
    return this.exclusive(app, async () => {
      const record = this.state.apps[app];
      if (!record?.current) {
        if (!options.purge) throw new AgentError('APP_NOT_DEPLOYED', `${app} is not deployed here; see: marketplace-agent list`);
        await purgeData(this.layout, app);
        return null;
      }
      await this.stopRunning(app, record);
      const version = record.current;
      await this.store.put({ ...record, current: null, previous: [], pid: null, port: null, state: 'removed' });
      await rm(join(this.layout.apps, app), { recursive: true, force: true });
      await dropSnapshots(this.layout, app);
      if (options.purge) await purgeData(this.layout, app);
      return { app, version, state: 'removed' };
    });
  }
  /** Stops supervising; apps keep running unless `stopApps` (the next start adopts them). */
  async close(options: { stopApps?: boolean } = {}): Promise<void> {
    if (options.stopApps) {
      for (const [app, running] of this.running) {
        await running.stop();
        await this.store.update(app, { pid: null, state: 'stopped' });
      }
    }
    this.running.clear();
    await this.store.settled();
  }
}
