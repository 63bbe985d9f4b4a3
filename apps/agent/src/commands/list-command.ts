import type { Command } from 'commander';
import { loadConfig } from '../agent-config.js';
import { defaultHome, homeLayout } from '../agent-home.js';
import { loadState, type AppRecord } from '../agent-state.js';
import { manifestOf } from '../app-files.js';
import { appUrl } from '../health-check.js';
import { describeUnavailableReadPaths, findUnavailableReadPaths, READ_PATH_MISSING, type UnavailableReadPath } from '../read-path-access.js';
import { createServerClient } from '../server-client.js';

/** Each deployed app, with the granted workstation files it cannot read right now (checked as the list is made). */
export async function deployedApps(home: string): Promise<(AppRecord & { readPathsUnavailable: UnavailableReadPath[] })[]> {
  const layout = homeLayout(home);
  const state = await loadState(layout);
  const apps = Object.values(state.apps).filter((app) => app.current);
  return Promise.all(
    apps.map(async (app) => {
      const manifest = await manifestOf(layout, app.name, app.current!).catch(() => null);
      return { ...app, readPathsUnavailable: manifest ? await findUnavailableReadPaths(manifest.permissions.readPaths ?? []) : [] };
    }),
  );
}

/** What `marketplace-agent list` prints: one line per app, and under it what it cannot read and what to do. */
export function formatDeployedApps(apps: Awaited<ReturnType<typeof deployedApps>>): string {
  if (apps.length === 0) return 'No apps deployed yet.\n';
  return apps
    .map((app) => {
      const line = `${app.name.padEnd(24)} ${app.current!.padEnd(12)} ${app.state.padEnd(10)} ${appUrl(app.port!)}\n`;
      return app.readPathsUnavailable.length ? `${line}  ${READ_PATH_MISSING}: ${describeUnavailableReadPaths(app.name, app.current!, app.readPathsUnavailable).message}\n` : line;
    })
    .join('');
}

export function registerList(program: Command): void {
  program
    .command('list')
    .description('Apps deployed on this workstation')
    .option('--home <dir>', 'config and state directory')
    .option('--json', 'machine-readable output')
    .action(async (options: { home?: string; json?: boolean }) => {
      const apps = await deployedApps(options.home ?? defaultHome());
      process.stdout.write(options.json ? `${JSON.stringify(apps, null, 2)}\n` : formatDeployedApps(apps));
    });
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Enrolment, server and queue status')
    .option('--home <dir>', 'config and state directory')
    .action(async (options: { home?: string }) => {
      const layout = homeLayout(options.home ?? defaultHome());
      const config = await loadConfig(layout);
      const state = await loadState(layout);
      const queued = await createServerClient(config, layout).queued();
      process.stdout.write(
        [
          `agent       ${config.agentId} (org ${config.orgId})`,
          `server      ${config.serverUrl}`,
          `mailbox     ${config.mailbox}`,
          `root key    ${config.rootFingerprint}`,
          `apps        ${Object.values(state.apps).filter((app) => app.current).length} deployed`,
          `reports     ${queued} waiting to be sent`,
          '',
        ].join('\n'),
      );
    });
}
