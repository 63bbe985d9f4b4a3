import { Command } from 'commander';
import { isAgentError } from './agent-error.js';
import { registerRun } from './commands/run-command.js';

const program = new Command('marketplace-agent').description('Deploy agent: receives signed releases by e-mail, verifies, deploys and reports them').showHelpAfterError();
// A running agent loads only `run`: the other verbs' code (service, enrol, install, doctor…) stays out of its memory (decision 0053).
if (process.argv[2] === 'run') registerRun(program);
else (await import('./commands/register-commands.js')).registerCommands(program);
program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`marketplace-agent: ${isAgentError(error) ? `${error.message} [${error.code}]` : (error as Error).message}\n`);
  process.exit(1);
});
