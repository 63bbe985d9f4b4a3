import { cp, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { HomeLayout } from './agent-home.js';

/**
 * An app's data on this workstation: one directory per app (`<home>/data/<app>`, the app's
 * `APP_DATA_DIR`) outside the version folders, so upgrades keep it. Before an upgrade leaves a
 * version, a copy of the data is kept as that version's snapshot; a rollback to the version puts
 * the snapshot back and moves what was written since aside (never deleted).
 */
export const appDataDir = (layout: HomeLayout, app: string) => join(layout.data, app);
const snapshotDir = (layout: HomeLayout, app: string, version: string) => join(layout.snapshots, app, version);

const exists = (path: string): Promise<boolean> => stat(path).then(
  () => true,
  () => false,
);

/** Copies the app's data (as it is now) as the snapshot of `version`, replacing an older one. An app without data gets an empty snapshot. */
export async function snapshotData(layout: HomeLayout, app: string, version: string): Promise<void> {
  const target = snapshotDir(layout, app, version);
  const temp = `${target}.${process.pid}.tmp`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  const data = appDataDir(layout, app);
  if (await exists(data)) await cp(data, temp, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  else await mkdir(temp, { mode: 0o700 });
  await rm(target, { recursive: true, force: true });
  await rename(temp, target);
}

export const hasSnapshot = (layout: HomeLayout, app: string, version: string) => exists(snapshotDir(layout, app, version));

/**
 * Puts the snapshot of `version` in place of the app's data; the data there now goes to
 * `<home>/data-aside/<app>/<from>-<time>`. Returns that directory (null when there was no data).
 * The app must be stopped.
 */
export async function restoreSnapshot(layout: HomeLayout, app: string, version: string, from: string): Promise<string | null> {
  const data = appDataDir(layout, app);
  let aside: string | null = null;
  if (await exists(data)) {
    aside = join(layout.dataAside, app, `${from}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await mkdir(dirname(aside), { recursive: true, mode: 0o700 });
    await rename(data, aside);
  }
  await rename(snapshotDir(layout, app, version), data);
  return aside;
}

/** Undoes restoreSnapshot after the restored version failed to start: the snapshot goes back, the set-aside data returns. */
export async function undoRestore(layout: HomeLayout, app: string, version: string, aside: string | null): Promise<void> {
  const data = appDataDir(layout, app);
  await rm(snapshotDir(layout, app, version), { recursive: true, force: true });
  await rename(data, snapshotDir(layout, app, version));
  if (aside) await rename(aside, data);
}

/** Drops the snapshots of versions no longer kept (`keep`: versions whose snapshot stays; empty drops all). */
export async function dropSnapshots(layout: HomeLayout, app: string, keep: readonly string[] = []): Promise<void> {
  const names = await readdir(join(layout.snapshots, app)).catch(() => [] as string[]);
  for (const name of names) if (!keep.includes(name)) await rm(join(layout.snapshots, app, name), { recursive: true, force: true });
}

/** Deletes the app's data and its snapshots (`remove --purge`); data set aside by rollbacks stays. */
export async function purgeData(layout: HomeLayout, app: string): Promise<void> {
  await rm(appDataDir(layout, app), { recursive: true, force: true });
  await rm(join(layout.snapshots, app), { recursive: true, force: true });
}
