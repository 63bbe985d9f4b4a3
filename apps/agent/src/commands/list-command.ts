import type { Command } from 'commander';
import { loadConfig } from '../agent-config.js';
import { defaultHome, homeLayout } from '../agent-home.js';
import { loadState } from '../agent-state.js';
import { appUrl } from '../health-check.js';
import { createServerClient } from '../server-client.js';

export function registerList(program: Command): void {
  program
    .command('list')
    .description('Apps deployed on this workstation')
    .option('--home <dir>', 'config and state directory')
    .option('--json', 'machine-readable output')
    .action(async (options: { home?: string; json?: boolean }) => {
      const state = await loadState(homeLayout(options.home ?? defaultHome()));
      const apps = Object.values(state.apps).filter((app) => app.current);
      if (options.json) return void process.stdout.write(`${JSON.stringify(apps, null, 2)}\n`);
      if (apps.length === 0) return void process.stdout.write('No apps deployed yet.\n');
      for (const app of apps) process.stdout.write(`${app.name.padEnd(24)} ${app.current!.padEnd(12)} ${app.state.padEnd(10)} ${appUrl(app.port!)}\n`);
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
