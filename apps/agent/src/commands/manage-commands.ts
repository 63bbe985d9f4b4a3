import type { Command } from 'commander';
import { loadConfig } from '../agent-config.js';
import { defaultHome, homeLayout } from '../agent-home.js';
import { Deployer } from '../deployer.js';
import { createProcessRuntime } from '../runtimes/process-runtime.js';
import { createServerClient } from '../server-client.js';

async function withDeployer<T>(home: string | undefined, work: (deployer: Deployer, report: (r: Parameters<ReturnType<typeof createServerClient>['report']>[0]) => Promise<unknown>) => Promise<T>): Promise<T> {
  const layout = homeLayout(home ?? defaultHome());
  const config = await loadConfig(layout);
  const deployer = await Deployer.open({ layout, runtime: createProcessRuntime() });
  const server = createServerClient(config, layout);
  try {
    return await work(deployer, (report) => server.report(report).catch(() => 'refused'));
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
      await withDeployer(options.home, async (deployer, report) => {
        const outcome = await deployer.rollback(app);
        await report(outcome.report);
        if (outcome.restored) await report(outcome.restored);
        process.stdout.write(outcome.state === 'rolled-back' ? `${app}: back on ${deployer.deployedVersion(app)}\n` : `${app}: ${outcome.report.reason?.message}\n`);
      });
    });
}

export function registerRemove(program: Command): void {
  program
    .command('remove <app>')
    .description('Stop an app and delete its versions (its data directory stays)')
    .option('--home <dir>', 'config and state directory')
    .action(async (app: string, options: { home?: string }) => {
      await withDeployer(options.home, async (deployer, report) => {
        await report(await deployer.remove(app));
        process.stdout.write(`${app} removed\n`);
      });
    });
}
