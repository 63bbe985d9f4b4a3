import type { Command } from 'commander';
import { loadConfig } from '../agent-config.js';
import { defaultHome, homeLayout } from '../agent-home.js';
import { loadSettingsFile, openAgentMailbox, watchedMailbox, type MailboxChoice } from '../open-mailbox.js';
import { createContainerRuntime } from '../runtimes/container-runtime.js';
import { createProcessRuntime } from '../runtimes/process-runtime.js';
import { createServerClient } from '../server-client.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** Each check says what it found and, when it fails, what to do. */
export async function runDoctor(home: string, options: { maildir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Check[]> {
  const layout = homeLayout(home);
  const checks: Check[] = [];
  let config;
  try {
    config = await loadConfig(layout);
    checks.push({ name: 'enrolment', ok: true, detail: `agent ${config.agentId}, root ${config.rootFingerprint.slice(0, 19)}…` });
  } catch (error) {
    checks.push({ name: 'enrolment', ok: false, detail: (error as Error).message, fix: 'marketplace-agent enroll --server URL --code CODE' });
    return checks;
  }
  checks.push(await mailboxCheck(layout, options));
  const server = createServerClient(config, layout);
  try {
    const started = Date.now();
    const beat = await server.heartbeat({ version: 'doctor', os: process.platform, runtimes: ['process'], apps: [] });
    const skewMs = Date.parse(beat.serverTime) - (started + Date.now()) / 2;
    checks.push({ name: 'server', ok: true, detail: `${config.serverUrl} answers; key list version ${beat.keyListVersion}` });
    const skewOk = Math.abs(skewMs) < 60_000;
    checks.push({ name: 'clock', ok: skewOk, detail: `${Math.round(skewMs / 1000)} s from the server's clock`, ...(skewOk ? {} : { fix: 'turn on time synchronisation (NTP); release expiry checks depend on the clock' }) });
  } catch (error) {
    checks.push({ name: 'server', ok: false, detail: (error as Error).message, fix: `check that ${config.serverUrl} is reachable from this workstation; reports are queued meanwhile` });
  }
  const runtime = await createProcessRuntime().available();
  checks.push(runtime.ok ? { name: 'runtime process', ok: true, detail: `Node.js ${process.versions.node}` } : { name: 'runtime process', ok: false, detail: runtime.reason, fix: 'install Node.js 20 or later' });
  const container = await createContainerRuntime({ ...(process.env.MARKETPLACE_AGENT_IMAGE ? { image: process.env.MARKETPLACE_AGENT_IMAGE } : {}) }).available();
  checks.push(
    container.ok
      ? { name: 'runtime container', ok: true, detail: 'Docker Engine API reachable, image present' }
      : { name: 'runtime container', ok: true, detail: `not available (optional): ${container.reason}`, fix: 'for --runtime container: start Docker or `podman system service`, set DOCKER_HOST and MARKETPLACE_AGENT_IMAGE' },
  );
  return checks;
}

/**
 * The mailbox `run` reads: `--maildir`, else IMAP_*, else the one `run` watched last (a service is often
 * started with `--maildir` or `--env-file` that a later `doctor` is not given), else the home's Maildir.
 */
async function mailboxCheck(layout: ReturnType<typeof homeLayout>, options: { maildir?: string; env?: NodeJS.ProcessEnv }): Promise<Check> {
  const env = options.env ?? process.env;
  const watched = await watchedMailbox(layout);
  let choice: MailboxChoice = { maildir: options.maildir, env };
  let from = '';
  if (!options.maildir && !env.IMAP_HOST && watched) {
    if (!watched.maildir) {
      return { name: 'mailbox', ok: false, detail: `not checked: \`run\` last watched ${watched.describe}, and no IMAP_* settings are given here`, fix: 'run doctor with the same --env-file (or IMAP_* variables) as `run`' };
    }
    choice = { maildir: watched.maildir, env };
    from = ' (the one `run` watched last)';
  }
  try {
    const { mailbox, describe } = await openAgentMailbox(choice, layout.maildir);
    const count = (await mailbox.list()).length;
    await mailbox.close();
    return { name: 'mailbox', ok: true, detail: `${describe}${from}: ${count} ${count === 1 ? 'message' : 'messages'} in the inbox` };
  } catch (error) {
    return { name: 'mailbox', ok: false, detail: (error as Error).message, fix: 'check IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASS (or --maildir)' };
  }
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check enrolment, mailbox login, server reachability, runtimes and clock skew')
    .option('--home <dir>', 'config and state directory')
    .option('--maildir <dir>', 'Maildir to check (default: IMAP_* settings, else the mailbox `run` watched last, else <home>/mail)')
    .option('--env-file <file>', 'load settings (IMAP_*, DOCKER_HOST…) from this KEY=value file first, as `run --env-file` does')
    .action(async (options: { home?: string; maildir?: string; envFile?: string }) => {
      if (options.envFile) loadSettingsFile(options.envFile);
      const checks = await runDoctor(options.home ?? defaultHome(), options);
      for (const check of checks) process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name.padEnd(16)} ${check.detail}${check.fix ? `\n     fix: ${check.fix}` : ''}\n`);
      if (checks.some((check) => !check.ok)) process.exitCode = 1;
    });
}
