import type { Command } from 'commander';
import { loadConfig } from '../agent-config.js';
import { defaultHome, homeLayout, type HomeLayout } from '../agent-home.js';
import { appDataDir } from '../app-data.js';
import { recordLocalAction } from '../local-install.js';
import { Deployer } from '../deployer.js';
import { createProcessRuntime } from '../runtimes/process-runtime.js';
import { createServerClient } from '../server-client.js';

async function withDeployer<T>(home: string | undefined, work: (deployer: Deployer, report: (r: Parameters<ReturnType<typeof createServerClient>['report']>[0]) => Promise<unknown>, layout: HomeLayout) => Promise<T>): Promise<T> {
  const layout = homeLayout(home ?? defaultHome());
  const config = await loadConfig(layout);
  const deployer = await Deployer.open({ layout, runtime: createProcessRuntime() });
  const server = createServerClient(config, layout);
  try {
    return await work(deployer, (report) => server.report(report).catch(() => 'refused'), layout);
  } finally {
    await deployer.close();
  }
}

export function registerRollback(program: Command): void {
  program
    .command('rollback <app>')
    .description('Go back to the previous version kept on this workstation')
    .option('--home <dir>', 'config and state directory')
    .action(async (app: string, options: { home?: string }) => {
      await withDeployer(options.home, async (deployer, report, layout) => {
        const outcome = await deployer.rollback(app);
        await recordLocalAction(layout, { action: 'rollback', app, version: outcome.report.version, outcome: outcome.state, ...(outcome.dataAside ? { dataAside: outcome.dataAside } : {}) });
        await report(outcome.report);
        if (outcome.restored) await report(outcome.restored);
        process.stdout.write(outcome.state === 'rolled-back' ? `${app}: back on ${deployer.deployedVersion(app)}.${outcome.dataAside ? ` Data written since was moved to ${outcome.dataAside}.` : ''}\n` : `${app}: ${outcome.report.reason?.message}\n`);
      });
    });
}

export function registerRemove(program: Command): void {
  program
    .command('remove <app>')
    .description('Stop an app and delete its versions (its data directory stays unless --purge)')
    .option('--home <dir>', 'config and state directory')
    .option('--purge', "also delete the app's data and its snapshots")
    .action(async (app: string, options: { home?: string; purge?: boolean }) => {
      await withDeployer(options.home, async (deployer, report, layout) => {
        const removed = await deployer.remove(app, { purge: options.purge ?? false });
        if (removed) await report(removed);
        await recordLocalAction(layout, { action: options.purge ? 'remove --purge' : 'remove', app, ...(removed ? { version: removed.version } : {}) });
        process.stdout.write(options.purge ? `${app} removed; its data was deleted\n` : `${app} removed; its data stays in ${appDataDir(layout, app)} for a later install (remove --purge deletes it)\n`);
      });
    });
}
