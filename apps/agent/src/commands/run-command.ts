import type { Command } from 'commander';
import { startAgent } from '../agent.js';
import { loadConfig } from '../agent-config.js';
import { defaultHome, homeLayout } from '../agent-home.js';
import { counted } from '../counted.js';
import { loadSettingsFile, openAgentMailbox } from '../open-mailbox.js';
import { createContainerRuntime } from '../runtimes/container-runtime.js';
import { createProcessRuntime } from '../runtimes/process-runtime.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Watch the mailbox and deploy the releases that arrive')
    .option('--home <dir>', 'config and state directory')
    .option('--maildir <dir>', 'read this Maildir (default: IMAP_* settings, else the server\'s mail hub folder from enrolment when it is on this machine, else <home>/mail)')
    .option('--env-file <file>', 'load settings (IMAP_*, SMTP_*, DOCKER_HOST…) from this KEY=value file first; the environment wins')
    .option('--once', 'handle what is in the mailbox now, then exit (apps keep running)')
    .option('--report-by-mail', 'also send each report as a status e-mail (SMTP_HOST, SMTP_PORT, MARKETPLACE_ADDRESS)')
    .option('--health-timeout <seconds>', 'upper bound on how long a new version may take to become healthy', Number)
    .option('--command-interval <seconds>', 'how often to ask the server for rollback/remove commands between heartbeats (0: only with the 60 s heartbeat)', Number, 10)
    .option('--runtime <name>', 'process (default) or container (Docker Engine API at DOCKER_HOST, image MARKETPLACE_AGENT_IMAGE)', 'process')
    .action(async (options: { home?: string; maildir?: string; envFile?: string; once?: boolean; reportByMail?: boolean; healthTimeout?: number; commandInterval: number; runtime: string }) => {
      if (options.envFile) loadSettingsFile(options.envFile);
      if (!Number.isFinite(options.commandInterval) || options.commandInterval < 0) throw new Error(`--command-interval must be a number of seconds (0 or more): got "${options.commandInterval}".`);
      if (options.runtime !== 'process' && options.runtime !== 'container') throw new Error(`--runtime must be process or container: got "${options.runtime}".`);
      const runtime = options.runtime === 'container' ? createContainerRuntime({ ...(process.env.MARKETPLACE_AGENT_IMAGE ? { image: process.env.MARKETPLACE_AGENT_IMAGE } : {}) }) : createProcessRuntime();
      const usable = await runtime.available();
      if (!usable.ok) throw new Error(`The ${options.runtime} runtime cannot be used: ${usable.reason}`);
      const home = options.home ?? defaultHome();
      const hubMaildir = (await loadConfig(homeLayout(home)).catch(() => undefined))?.hubMaildir;
      const { mailbox, describe } = await openAgentMailbox({ maildir: options.maildir, hubMaildir }, homeLayout(home).maildir);
      const env = process.env;
      const reportByMail = options.reportByMail
        ? { host: env.SMTP_HOST ?? '127.0.0.1', port: Number(env.SMTP_PORT ?? 2525), to: env.MARKETPLACE_ADDRESS ?? 'marketplace@marketplace.localhost', ...(env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASS } : {}) }
        : undefined;
      const agent = await startAgent({ home, mailbox, runtime, reportByMail, commandIntervalMs: options.commandInterval * 1000, ...(options.healthTimeout ? { maxHealthTimeoutMs: options.healthTimeout * 1000 } : {}) });
      process.stderr.write(`marketplace-agent ${agent.config.agentId}: watching ${describe}\n`);
      if (options.once) {
        const counts = await agent.processOnce();
        await agent.server.flush().catch(() => 0);
        await agent.stop();
        process.stdout.write(`handled ${counted(counts.processed, 'release mail')}; ${counted(counts.ignored, 'other message')} left untouched\n`);
        return;
      }
      agent.watch();
      // One stop however many signals come: a service manager or a process-group kill often sends several,
      // and a signal without a listener would end the agent halfway through stopping.
      let stopping = false;
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.on(signal, () => {
          if (stopping) return;
          stopping = true;
          agent.stop().then(
            () => process.exit(0),
            (error: unknown) => {
              process.stderr.write(`marketplace-agent: stopping failed: ${(error as Error).message}\n`);
              process.exit(1);
            },
          );
        });
      }
    });
}
