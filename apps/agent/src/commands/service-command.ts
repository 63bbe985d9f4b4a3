import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { AgentError } from '../agent-error.js';
import { loadConfig } from '../agent-config.js';
import { defaultHome, homeLayout } from '../agent-home.js';
import { SERVICE_PLATFORMS, type ServicePlatform } from '../service/service-definition.js';
import { installService, serviceStatus, uninstallService } from '../service/service-manager.js';

interface InstallOptions {
  home?: string;
  maildir?: string;
  envFile?: string;
  runtime: string;
  reportByMail?: boolean;
  start: boolean;
  platform?: string;
}

const platformOption = () => new Option('--platform <name>', 'service manager to use: linux (systemd user unit), darwin (launchd agent), win32 (scheduled task); default: this machine');

/** This machine's platform, or the one asked for; anything else is refused with the supported list. */
export function servicePlatform(asked: string | undefined, actual: string = process.platform): ServicePlatform {
  const platform = asked ?? actual;
  if ((SERVICE_PLATFORMS as string[]).includes(platform)) return platform as ServicePlatform;
  throw new AgentError('SERVICE_INPUT', `${asked ? `--platform "${asked}"` : `This platform (${actual})`} has no supported service manager: use one of ${SERVICE_PLATFORMS.join(', ')}, or run \`marketplace-agent run\` under your own supervisor.`);
}

function existing(kind: 'directory' | 'file', option: string, value: string): string {
  const path = resolve(value);
  const found = (() => {
    try {
      return statSync(path);
    } catch {
      return null;
    }
  })();
  if (!found || (kind === 'directory' ? !found.isDirectory() : !found.isFile())) throw new AgentError('SERVICE_INPUT', `${option} must name an existing ${kind}: ${path} is not one.`);
  return path;
}

/** The agent script the service runs: the single-file bundle (or bin) this command was started from. */
function agentScript(): string {
  const script = process.argv[1];
  if (!script || !isAbsolute(resolve(script))) throw new AgentError('SERVICE_INPUT', 'Cannot tell which file runs the agent; start it as `node marketplace-agent.mjs service install`.');
  return realpathSync(script);
}

export function registerService(program: Command): void {
  const service = program.command('service').description('Run the agent as a per-user service: systemd user unit (Linux), launchd agent (macOS) or scheduled task (Windows)');

  service
    .command('install')
    .description('Write the service definition for `run` with these options, then register and start it')
    .option('--home <dir>', 'config and state directory (enrol first)')
    .option('--maildir <dir>', 'Maildir to watch (the one `enroll` printed for the embedded hub; default: IMAP_* from --env-file, else <home>/mail)')
    .option('--env-file <file>', 'settings file the service loads at start (IMAP_*, SMTP_*, DOCKER_HOST…; keep it 0600, it holds passwords)')
    .addOption(new Option('--runtime <name>', 'process or container').choices(['process', 'container']).default('process'))
    .option('--report-by-mail', 'also send each report as a status e-mail')
    .option('--no-start', 'only write the definition; print the commands that start it')
    .addOption(platformOption())
    .action(async (options: InstallOptions) => {
      const platform = servicePlatform(options.platform);
      const home = resolve(options.home ?? defaultHome());
      const config = await loadConfig(homeLayout(home));
      const maildir = options.maildir ? existing('directory', '--maildir', options.maildir) : undefined;
      const envFile = options.envFile ? existing('file', '--env-file', options.envFile) : undefined;
      const args = ['run', '--home', home, ...(maildir ? ['--maildir', maildir] : []), ...(envFile ? ['--env-file', envFile] : []), '--runtime', options.runtime, ...(options.reportByMail ? ['--report-by-mail'] : [])];
      const result = await installService(
        { node: process.execPath, script: agentScript(), args, home, description: `marketplace deploy agent ${config.agentId}` },
        { platform, start: options.start && platform === process.platform },
      );
      const lines = [`Wrote ${result.file}`];
      if (result.started) lines.push(`The agent runs as a service now; see it with: marketplace-agent service status${options.platform ? ` --platform ${platform}` : ''}`);
      else lines.push('Start it with:', ...result.next.map((line) => `  ${line}`));
      if (platform === 'linux') lines.push('To keep it running while you are logged out: loginctl enable-linger');
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  service
    .command('uninstall')
    .description('Stop the service and remove its definition (deployed apps keep running; `remove` stops them)')
    .addOption(platformOption())
    .action(async (options: { platform?: string }) => {
      const result = await uninstallService({ platform: servicePlatform(options.platform) });
      process.stdout.write(result.removed ? `Removed ${result.file}\n` : `Not installed (no ${result.file})\n`);
    });

  service
    .command('status')
    .description('Whether the service is installed and what its service manager says')
    .addOption(platformOption())
    .action(async (options: { platform?: string }) => {
      const result = await serviceStatus({ platform: servicePlatform(options.platform) });
      if (!result.installed) {
        process.stdout.write(`Not installed (no ${result.file}). Install with: marketplace-agent service install\n`);
        process.exitCode = 3;
        return;
      }
      process.stdout.write(`Installed: ${result.file}\n${result.manager!.output}\n`);
      // The service manager's own exit code (systemctl: 3 = not running).
      process.exitCode = result.manager!.code;
    });
}
