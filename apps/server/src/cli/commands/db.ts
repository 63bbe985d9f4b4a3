import type { Command } from 'commander';
import { openRuntime, pendingMigrations } from '../../composition/runtime.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('Database maintenance');
  db.command('migrate')
    .description('Apply pending migrations (the server also does this at start-up)')
    .action(async () => {
      const runtime = await openRuntime({ migrate: true });
      try {
        const pending = await pendingMigrations(runtime.database);
        process.stdout.write(pending.length ? `still pending: ${pending.join(', ')}\n` : `database is up to date (${runtime.database.dialect})\n`);
      } finally {
        await runtime.close();
      }
    });
  db.command('status')
    .description('List migrations not yet applied')
    .action(async () => {
      const runtime = await openRuntime({ migrate: false });
      try {
        const pending = await pendingMigrations(runtime.database);
        process.stdout.write(pending.length ? `pending: ${pending.join(', ')}\n` : 'up to date\n');
        if (pending.length) process.exitCode = 3;
      } finally {
        await runtime.close();
      }
    });
}
