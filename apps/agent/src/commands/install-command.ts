import type { Command } from 'commander';
import { defaultHome } from '../agent-home.js';
import { installLocal } from '../local-install.js';

export function registerInstall(program: Command): void {
  program
    .command('install <release>')
    .description('Install a downloaded release by hand: <name>-<version>.release.json, checked like a mailed one (no delivery statement needed)')
    .requiredOption('--bundle <tgz>', 'the <name>-<version>.tgz that came with it')
    .option('--home <dir>', 'config and state directory')
    .option('--health-timeout <seconds>', 'upper bound on how long the new version may take to become healthy', Number)
    .action(async (release: string, options: { bundle: string; home?: string; healthTimeout?: number }) => {
      const outcome = await installLocal({ home: options.home ?? defaultHome(), releasePath: release, bundlePath: options.bundle, ...(options.healthTimeout ? { maxHealthTimeoutMs: options.healthTimeout * 1000 } : {}) });
      const { app, version, reason } = outcome.report;
      if (outcome.state === 'healthy') process.stdout.write(`${app} ${version} installed and healthy at ${outcome.report.health?.url ?? 'its port'}\n`);
      else {
        process.stdout.write(`${app} ${version}: ${outcome.state}${reason ? ` (${reason.code}): ${reason.message}` : ''}\n`);
        process.exitCode = 1;
      }
    });
}
