import type { Command } from 'commander';
import { defaultHome } from '../agent-home.js';
import { enroll } from '../enroll.js';

export function registerEnroll(program: Command): void {
  program
    .command('enroll')
    .description('Enrol this workstation with a one-time code from the marketplace')
    .requiredOption('--server <url>', 'marketplace server URL')
    .requiredOption('--code <code>', 'one-time enrolment code')
    .option('--home <dir>', 'config and state directory')
    .option('--name <name>', 'name shown in the marketplace (default: host name)')
    .option('--mailbox <address>', 'deliver releases to this address instead of the embedded mailbox')
    .option('--force', 'enrol again, replacing the existing credentials')
    .action(async (options: { server: string; code: string; home?: string; name?: string; mailbox?: string; force?: boolean }) => {
      const home = options.home ?? defaultHome();
      const config = await enroll({ ...options, home });
      process.stdout.write(
        [
          `Enrolled as agent ${config.agentId} of organisation ${config.orgId}.`,
          `Releases are sent to: ${config.mailbox}`,
          '',
          'Compare this root key fingerprint with the one the marketplace shows (Admin → Signing keys):',
          `  ${config.rootFingerprint}`,
          '',
          `Config: ${home}/config.json (0600). Start with:`,
          `  ${runCommand(options.home, config.hubMaildir)}`,
          '',
        ].join('\n'),
      );
    });
}

/** The line that starts this agent: its home when not the default, and the hub's Maildir when releases go to the server's embedded hub. */
export function runCommand(home: string | undefined, hubMaildir: string | undefined): string {
  const quote = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);
  return ['npx marketplace-agent run', ...(home ? ['--home', quote(home)] : []), ...(hubMaildir ? ['--maildir', quote(hubMaildir)] : [])].join(' ');
}
