import type { Command } from 'commander';
import { backupDatabase } from '@marketplace/db';
import { openRuntime } from '../../composition/runtime.js';

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('Write the whole database to one file (works on PGlite and PostgreSQL)')
    .requiredOption('--out <file>', 'where to write the backup (e.g. backup.jsonl.gz)')
    .action(async (options: { out: string }) => {
      const runtime = await openRuntime();
      try {
        const summary = await backupDatabase(runtime.database, options.out);
        process.stdout.write(`backup written to ${options.out} (${summary.tables} tables, ${summary.rows} rows)\n`);
      } finally {
        await runtime.close();
      }
    });
}
