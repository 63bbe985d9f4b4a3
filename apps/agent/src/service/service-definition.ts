import { homedir } from 'node:os';
import { join } from 'node:path';

/** What the service runs: `node <agent script> run --home … [--maildir …] …`, started at login and restarted when it fails. */
export interface ServiceSpec {
  /** Absolute path of the Node.js executable. */
  node: string;
  /** Absolute path of the agent script (the single-file bundle, or the bin). */
  script: string;
  /** Arguments after the script: `run --home …`. */
  args: string[];
  /** The agent's home: logs go to <home>/logs. */
  home: string;
  /** Shown by the service manager. */
  description: string;
}

export type ServicePlatform = 'linux' | 'darwin' | 'win32';
export const SERVICE_PLATFORMS: ServicePlatform[] = ['linux', 'darwin', 'win32'];

/** One name everywhere: systemd unit, launchd label, scheduled task. */
export const SERVICE_NAME = 'marketplace-agent';
export const LAUNCHD_LABEL = 'com.marketplace.agent';

/** Where each service manager looks for a per-user definition. */
export function serviceFile(platform: ServicePlatform, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (platform === 'linux') return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'systemd', 'user', `${SERVICE_NAME}.service`);
  if (platform === 'darwin') return join(home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  // schtasks keeps its own copy; this one is what `service install` imported (and `uninstall` removes).
  return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), SERVICE_NAME, `${SERVICE_NAME}-task.xml`);
}

/** A systemd ExecStart word: always double-quoted; `\` and `"` escaped, `%` and `$` doubled (specifier and variable expansion). */
function systemdWord(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

/**
 * A systemd user unit. KillMode=process: stopping or restarting the agent leaves the apps it deployed running
 * (each in its own process group; the agent adopts them again at its next start), as `run` does by hand.
 */
export function systemdUnit(spec: ServiceSpec): string {
  return [
    '[Unit]',
    `Description=${oneLine(spec.description)}`,
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[spec.node, spec.script, ...spec.args].map(systemdWord).join(' ')}`,
    'Restart=on-failure',
    'RestartSec=10',
    'KillMode=process',
    'TimeoutStopSec=30',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

const xmlText = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** A launchd agent: at login, again when it exits with an error; apps it started stay up when it stops (AbandonProcessGroup). */
export function launchdPlist(spec: ServiceSpec): string {
  const strings = (values: string[]) => values.map((value) => `    <string>${xmlText(value)}</string>`).join('\n');
  const log = join(spec.home, 'logs', 'agent.log');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${strings([spec.node, spec.script, ...spec.args])}
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ThrottleInterval</key>
  <integer>10</integer>
  <key>AbandonProcessGroup</key>
  <true/>
  <key>StandardOutPath</key>
  <string>${xmlText(log)}</string>
  <key>StandardErrorPath</key>
  <string>${xmlText(log)}</string>
</dict>
</plist>
`;
}

/** A Windows command-line argument as CommandLineToArgvW reads it back. */
function windowsArgument(value: string): string {
  if (value !== '' && !/[\s"]/.test(value)) return value;
  return `"${value.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

/** A Task Scheduler task (schtasks /Create /XML): at this user's logon, restarted on failure, no time limit. */
export function windowsTaskXml(spec: ServiceSpec, user: string): string {
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>${xmlText(oneLine(spec.description))}</Description>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <UserId>${xmlText(user)}</UserId>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>${xmlText(user)}</UserId>
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>999</Count>
    </RestartOnFailure>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xmlText(spec.node)}</Command>
      <Arguments>${xmlText([spec.script, ...spec.args].map(windowsArgument).join(' '))}</Arguments>
      <WorkingDirectory>${xmlText(spec.home)}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
`;
}

/** The definition file for a platform, as the bytes its service manager expects (Task Scheduler XML in UTF-16 with a BOM). */
export function renderServiceDefinition(platform: ServicePlatform, spec: ServiceSpec, user: string): Buffer {
  if (platform === 'linux') return Buffer.from(systemdUnit(spec), 'utf8');
  if (platform === 'darwin') return Buffer.from(launchdPlist(spec), 'utf8');
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(windowsTaskXml(spec, user), 'utf16le')]);
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}
