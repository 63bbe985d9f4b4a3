import { execFile } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { userInfo } from 'node:os';
import { AgentError } from '../agent-error.js';
import { LAUNCHD_LABEL, SERVICE_NAME, renderServiceDefinition, serviceFile, type ServicePlatform, type ServiceSpec } from './service-definition.js';

export interface CommandResult {
  code: number;
  output: string;
}
/** Runs a service manager command (no shell); replaceable in tests. */
export type CommandRunner = (command: string, args: string[]) => Promise<CommandResult>;

export const runCommand: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, args, { timeout: 30_000, windowsHide: true }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 127) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() || (error?.message ?? '') });
    });
  });

export interface ServiceContext {
  platform: ServicePlatform;
  env?: NodeJS.ProcessEnv;
  run?: CommandRunner;
}

/** The commands that register and start, stop and remove, or describe the service on each platform. */
function managerCommands(platform: ServicePlatform, file: string): { install: string[][]; uninstall: string[][]; status: string[][] } {
  if (platform === 'linux') {
    const unit = `${SERVICE_NAME}.service`;
    return {
      install: [['systemctl', '--user', 'daemon-reload'], ['systemctl', '--user', 'enable', '--now', unit]],
      uninstall: [['systemctl', '--user', 'disable', '--now', unit]],
      status: [['systemctl', '--user', 'status', '--no-pager', '--lines=5', unit]],
    };
  }
  if (platform === 'darwin') {
    const domain = `gui/${userInfo().uid}`;
    return {
      install: [['launchctl', 'bootstrap', domain, file]],
      uninstall: [['launchctl', 'bootout', `${domain}/${LAUNCHD_LABEL}`]],
      status: [['launchctl', 'print', `${domain}/${LAUNCHD_LABEL}`]],
    };
  }
  return {
    install: [['schtasks', '/Create', '/TN', SERVICE_NAME, '/XML', file, '/F'], ['schtasks', '/Run', '/TN', SERVICE_NAME]],
    uninstall: [['schtasks', '/End', '/TN', SERVICE_NAME], ['schtasks', '/Delete', '/TN', SERVICE_NAME, '/F']],
    status: [['schtasks', '/Query', '/TN', SERVICE_NAME, '/FO', 'LIST', '/V']],
  };
}

const shellLine = (words: string[]) => words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');

export interface InstallResult {
  file: string;
  /** false when the definition was only written (`--no-start`, or the service manager is not reachable). */
  started: boolean;
  /** What to run by hand when the service was not started. */
  next: string[];
}

/** Write the definition, then register and start it. A service manager that refuses is an error naming the command to run. */
export async function installService(spec: ServiceSpec, context: ServiceContext & { start: boolean }): Promise<InstallResult> {
  const file = serviceFile(context.platform, context.env);
  const user = context.env?.USERDOMAIN && context.env.USERNAME ? `${context.env.USERDOMAIN}\\${context.env.USERNAME}` : userInfo().username;
  await mkdir(dirname(file), { recursive: true });
  await mkdir(`${spec.home}/logs`, { recursive: true });
  await writeFile(file, renderServiceDefinition(context.platform, spec, user), { mode: 0o644 });
  const commands = managerCommands(context.platform, file).install;
  if (!context.start) return { file, started: false, next: commands.map(shellLine) };
  const run = context.run ?? runCommand;
  for (const command of commands) {
    const result = await run(command[0]!, command.slice(1));
    if (result.code !== 0) {
      throw new AgentError('SERVICE_FAILED', `${shellLine(command)} failed (exit ${result.code}): ${result.output || 'no output'}. The definition is written to ${file}; fix the cause and run: ${commands.map(shellLine).join(' && ')}`);
    }
  }
  return { file, started: true, next: [] };
}

/** Stop and unregister the service, then delete its definition. Succeeds when it was not installed. */
export async function uninstallService(context: ServiceContext): Promise<{ file: string; removed: boolean }> {
  const file = serviceFile(context.platform, context.env);
  const present = await exists(file);
  if (present) {
    const run = context.run ?? runCommand;
    // Stopping a service that is not loaded fails harmlessly; what matters is that the definition goes.
    for (const command of managerCommands(context.platform, file).uninstall) await run(command[0]!, command.slice(1));
    await rm(file, { force: true });
    if (context.platform === 'linux') await run('systemctl', ['--user', 'daemon-reload']);
  }
  return { file, removed: present };
}

/** Whether a definition is installed, and what the service manager says about it. */
export async function serviceStatus(context: ServiceContext): Promise<{ file: string; installed: boolean; manager: CommandResult | null }> {
  const file = serviceFile(context.platform, context.env);
  const installed = await exists(file);
  if (!installed) return { file, installed, manager: null };
  const [command] = managerCommands(context.platform, file).status;
  return { file, installed, manager: await (context.run ?? runCommand)(command![0]!, command!.slice(1)) };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
