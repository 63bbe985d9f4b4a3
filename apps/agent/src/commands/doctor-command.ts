import type { Command } from 'commander';
import { loadConfig } from '../agent-config.js';
import { defaultHome, homeLayout } from '../agent-home.js';
import { counted } from '../counted.js';
import { loadSettingsFile, openAgentMailbox } from '../open-mailbox.js';
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
export async function runDoctor(home: string, options: { maildir?: string } = {}): Promise<Check[]> {
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
  try {
    const { mailbox, describe, source } = await openAgentMailbox({ maildir: options.maildir, hubMaildir: config.hubMaildir }, layout.maildir);
    const count = (await mailbox.list()).length;
    await mailbox.close();
    if (source === 'home' && config.hubMaildir) {
      // releases go to the server's embedded hub, whose folder is not on this machine: this mailbox stays empty
      checks.push({ name: 'mailbox', ok: false, detail: `${describe}: ${counted(count, 'message')}, but releases are sent to ${config.mailbox} on the server's mail hub (${config.hubMaildir}), which is not on this machine`, fix: `run the agent on the server's machine (it then reads ${config.hubMaildir}), or enrol again with --mailbox <an address this workstation reads over IMAP> and set IMAP_*` });
    } else checks.push({ name: 'mailbox', ok: true, detail: `${describe}: ${counted(count, 'message')} in the inbox` });
  } catch (error) {
    checks.push({ name: 'mailbox', ok: false, detail: (error as Error).message, fix: 'check IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASS (or --maildir)' });
  }
  const server = createServerClient(config, layout);
  try {
    // a read, not a heartbeat: the running agent's state on the server and its queued commands stay as they are
    const started = Date.now();
    const answer = await server.check();
    const skewMs = answer.serverTime ? Date.parse(answer.serverTime) - (started + Date.now()) / 2 : Number.NaN;
    checks.push({ name: 'server', ok: true, detail: `${config.serverUrl} answers; key list version ${answer.keyListVersion}` });
    if (Number.isFinite(skewMs)) {
      const skewOk = Math.abs(skewMs) < 60_000;
      checks.push({ name: 'clock', ok: skewOk, detail: `${Math.round(skewMs / 1000)} s from the server's clock`, ...(skewOk ? {} : { fix: 'turn on time synchronisation (NTP); release expiry checks depend on the clock' }) });
    } else checks.push({ name: 'clock', ok: true, detail: 'not checked: the server sent no Date header' });
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

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check enrolment, mailbox login, server reachability, runtimes and clock skew')
    .option('--home <dir>', 'config and state directory')
    .option('--maildir <dir>', 'Maildir to check instead of IMAP_* / the hub folder from enrolment / the default')
    .option('--env-file <file>', 'load settings (IMAP_*, DOCKER_HOST…) from this KEY=value file first, as `run --env-file` (and the service) does')
    .action(async (options: { home?: string; maildir?: string; envFile?: string }) => {
      if (options.envFile) loadSettingsFile(options.envFile);
      const checks = await runDoctor(options.home ?? defaultHome(), options);
      for (const check of checks) process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name.padEnd(16)} ${check.detail}${check.fix ? `\n     fix: ${check.fix}` : ''}\n`);
      if (checks.some((check) => !check.ok)) process.exitCode = 1;
    });
}
