import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { registerServe } from './commands/serve.js';
import { registerDb } from './commands/db.js';
import { registerAdminCreate } from './commands/admin-create.js';
import { registerAuditVerify } from './commands/audit-verify.js';
import { registerBackup } from './commands/backup.js';
import { registerRestore } from './commands/restore.js';
import { registerSpec } from './commands/spec.js';
import { registerGenerate } from './commands/generate.js';
import { registerPackage } from './commands/package.js';
import { registerVerify } from './commands/verify.js';
import { registerMcp } from './commands/mcp.js';

/** The `marketplace` command. One verb per file under commands/, registered here. */
const program = new Command('marketplace')
  .description('Enterprise app marketplace delivered by email')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

for (const register of [registerServe, registerDb, registerAdminCreate, registerAuditVerify, registerBackup, registerRestore, registerSpec, registerGenerate, registerPackage, registerVerify, registerMcp]) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  const code = (error as { code?: string }).code;
  console.error(`marketplace: ${(error as Error).message}${code ? ` [${code}]` : ''}`);
  process.exit(1);
}
