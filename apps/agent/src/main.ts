import { Command } from 'commander';
import { isAgentError } from './agent-error.js';
import { registerCommands } from './commands/register-commands.js';

const program = new Command('marketplace-agent').description('Deploy agent: receives signed releases by e-mail, verifies, deploys and reports them').showHelpAfterError();
registerCommands(program);
program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`marketplace-agent: ${isAgentError(error) ? `${error.message} [${error.code}]` : (error as Error).message}\n`);
  process.exit(1);
});
