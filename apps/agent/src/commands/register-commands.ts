import type { Command } from 'commander';
import { registerDoctor } from './doctor-command.js';
import { registerEnroll } from './enroll-command.js';
import { registerInstall } from './install-command.js';
import { registerList, registerStatus } from './list-command.js';
import { registerLogs } from './logs-command.js';
import { registerRemove, registerRollback } from './manage-commands.js';
import { registerRun } from './run-command.js';
import { registerService } from './service-command.js';
import { registerSettings } from './settings-command.js';

/** Every verb of the agent CLI, registered in one place. */
export function registerCommands(program: Command): void {
  for (const register of [registerEnroll, registerRun, registerInstall, registerList, registerStatus, registerLogs, registerRollback, registerRemove, registerDoctor, registerSettings, registerService]) register(program);
}

export const homeOption = ['--home <dir>', 'config and state directory (default: per OS, e.g. ~/.config/marketplace-agent)'] as const;
