import type { Command } from 'commander';
import { restoreDatabase } from '@marketplace/db';
import { openRuntime } from '../../composition/runtime.js';

export function registerRestore(program: Command): void {
  program
    .command('restore')
    .description('Replace the database’s contents with a backup file (stop the server first)')
    .requiredOption('--in <file>', 'a file written by `marketplace backup`')
    .option('--yes', 'do not ask: every current row is replaced')
    .action(async (options: { in: string; yes?: boolean }) => {
      if (!options.yes) throw Object.assign(new Error('restore replaces every row in the database; run again with --yes to confirm'), { code: 'CONFIRMATION_REQUIRED' });
      const runtime = await openRuntime();
      try {
        await restoreDatabase(runtime.database, options.in);
        process.stdout.write(`restored from ${options.in}\n`);
      } finally {
        await runtime.close();
      }
    });
}
