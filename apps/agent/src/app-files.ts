import { readdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAppManifest, type AppManifest } from '@marketplace/release';
import { AgentError } from './agent-error.js';
import type { HomeLayout } from './agent-home.js';
import type { AgentState } from './agent-state.js';
import { appCallSettings } from './app-calls.js';
import { appDataDir } from './app-data.js';
import { readAppSettings, resolveAppSettings } from './app-settings.js';
import { LOG_TAIL_LIMITS, readLogTail } from './log-tail.js';
import type { StartSpec } from './runtimes/runtime.js';
import { appLogFile } from './runtimes/process-runtime.js';


/** An app's files on disk: `apps/<app>/<version>/` (unpacked bundles) and the `current` symlink. */
export const versionDir = (layout: HomeLayout, app: string, version: string) => join(layout.apps, app, version);

/** The app.json of an unpacked version, checked again (the disk is not trusted more than the mail was). */
export async function manifestOf(layout: HomeLayout, app: string, version: string): Promise<AppManifest> {
  const parsed = parseAppManifest(JSON.parse(await readFile(join(versionDir(layout, app, version), 'app.json'), 'utf8')));
  if (!parsed.ok) throw new AgentError('START_FAILED', `${app} ${version}: its app.json is no longer valid (${parsed.issues[0]?.message}); remove the app and install it again.`);
  return parsed.manifest;
}

/** `apps/<app>/current` → the version directory, replaced atomically (new symlink, then rename over). */
export async function pointCurrent(layout: HomeLayout, app: string, version: string): Promise<void> {
  const link = join(layout.apps, app, 'current');
  const temp = `${link}.${process.pid}.tmp`;
  await rm(temp, { force: true });
  await symlink(version, temp);
  await rename(temp, link);
}

/** Deletes version directories the state does not name (half-unpacked, or never switched to before a crash). */
export async function removeStrayVersions(layout: HomeLayout, state: AgentState): Promise<void> {
  let names: string[] = [];
  try {
    names = await readdir(layout.apps);
  } catch {
    return;
  }
  for (const name of names) {
    const record = state.apps[name];
    const keep = new Set([record?.current, ...(record?.previous ?? [])].filter(Boolean) as string[]);
    for (const entry of await readdir(join(layout.apps, name)).catch(() => [] as string[])) {
      if (entry === 'current') continue;
      if (!keep.has(entry)) await rm(join(layout.apps, name, entry), { recursive: true, force: true });
    }
  }
}

/**
 * The last lines of the app's log (sent with reports, and when the marketplace asks), read from the
 * file's end only and redacted: the values of the app's stored settings (its secrets among them) and
 * anything that looks like a credential never leave the workstation.
 */
export async function logTail(layout: HomeLayout, app: string, lines: number = LOG_TAIL_LIMITS.reportLines): Promise<string> {
  return readLogTail(appLogFile(layout.logs, app), lines, Object.values(readAppSettings(layout.root, app)));
}

/** How a version of an app is started: its unpacked folder, its data directory, its settings, its log. */
/**
 * The settings naming the files the app was granted outside its data folder: always the declared
 * path (checked against the organisation's signed policy before install), whatever was stored by hand.
 */
export function readPathSettings(manifest: AppManifest): Record<string, string> {
  return Object.fromEntries((manifest.permissions?.readPaths ?? []).map((entry) => [entry.setting, entry.path]));
}

export function startSpec(layout: HomeLayout, manifest: AppManifest, port: number): StartSpec {
  return {
    manifest,
    settings: { ...(manifest.env ? resolveAppSettings(layout.root, manifest) : {}), ...readPathSettings(manifest), ...appCallSettings(layout, manifest) },
    dir: versionDir(layout, manifest.name, manifest.version),
    dataDir: appDataDir(layout, manifest.name),
    port,
    logFile: appLogFile(layout.logs, manifest.name),
  };
}

/** The manifest's health timeout, capped at `maxMs` when given (tests shorten it). */
export function healthTimeoutOf(manifest: AppManifest, maxMs: number | undefined): number {
  const wanted = (manifest.health.timeoutSeconds ?? 30) * 1000;
  return Math.min(wanted, maxMs ?? wanted);
}
