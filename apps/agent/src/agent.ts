import { hostname } from 'node:os';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailbox } from '@marketplace/mail';
import type { ReleaseLimits } from '@marketplace/release';
import { loadConfig, type AgentConfig } from './agent-config.js';
import { homeLayout } from './agent-home.js';
import { lazyAppCallListener } from './app-call-listener.js';
import { createCommandLoop } from './command-loop.js';
import { counted } from './counted.js';
import { commandJournalPath, createCommandRunner } from './command-runner.js';
import { Deployer } from './deployer.js';
import { createNonceStore } from './delivery-nonces.js';
import { createHealthLoop } from './health-loop.js';
import { createInboxLoop, type InboxCounts } from './inbox-loop.js';
import { createJournal } from './journal.js';
import { createReporter, type MailReporting } from './reporter.js';
import { ensureReportKey } from './report-key.js';
import { createProcessRuntime } from './runtimes/process-runtime.js';
import type { Runtime } from './runtimes/runtime.js';
import { createServerClient, type ServerClient } from './server-client.js';

export interface AgentOptions {
  home: string;
  mailbox: Mailbox;
  runtime?: Runtime;
  /** Replaces GET /api/v1/keys as the source of the current key list. */
  fetchKeyList?: () => Promise<string | null>;
  /** Also (or, when the server is unreachable, instead) send reports as status e-mails through this SMTP server. */
  reportByMail?: MailReporting;
  heartbeatIntervalMs?: number;
  /** How often to ask the server for commands (rollback, remove) between heartbeats; 0 = only with heartbeats. Default 10 s. */
  commandIntervalMs?: number;
  maxHealthTimeoutMs?: number;
  /** How many apps deploy side by side. */
  concurrency?: number;
  log?: (message: string) => void;
}

export interface RunningAgent {
  config: AgentConfig;
  deployer: Deployer;
  server: ServerClient;
  /** The loopback port the apps that declare MCP tools call the agent on (MARKETPLACE_AGENT_URL); 0 until such an app runs. */
  readonly appCallPort: number;
  deployedVersion(app: string): string | undefined;
  /** Handles everything in the inbox now; resolves when done. */
  processOnce(): Promise<InboxCounts>;
  /** Probes every deployed app's health path; a change (healthy ↔ unhealthy) is reported with the sample. Runs with each heartbeat. */
  checkHealth(): Promise<void>;
  /** Asks the server for commands (rollback, remove) and runs them; resolves when they are done. */
  pollCommands(): Promise<void>;
  /** Watches the mailbox until `stop`. */
  watch(): void;
  stop(options?: { stopApps?: boolean }): Promise<void>;
}

/**
 * The agent as a library: `marketplace-agent run` and the tests drive the same object. It wires
 * the reporter, the inbox loop, the health loop (heartbeat) and the command loop around one
 * Deployer. On start it finishes what a crash interrupted (journal), adopts or restarts the
 * deployed apps, and flushes queued reports.
 */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const layout = homeLayout(options.home);
  const config = await loadConfig(layout);
  const log = options.log ?? ((message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`));
  const runtime = options.runtime ?? createProcessRuntime();
  const server = createServerClient(config, layout);
  // listens only once an app that declares MCP tools is about to run (it is given the listener's port)
  const appCalls = lazyAppCallListener({ layout, runs: (app, version) => deployer.runs(app, version), forward: (call) => server.callMcpTool(call), log });
  const deployer = await Deployer.open({ layout, runtime, limits: config.limits as Partial<ReleaseLimits> | undefined, maxHealthTimeoutMs: options.maxHealthTimeoutMs, log, beforeAppCalls: appCalls.ensure });
  const journal = createJournal(layout.journal);
  const signingKey = options.reportByMail
    ? await ensureReportKey(layout, (publicKey) => server.registerReportKey(publicKey)).catch((error: Error) => {
        log(`REPORT_KEY_NOT_ENROLLED: the key status mails are signed with could not be enrolled (${error.message}); the server refuses status mails until it is (restart the agent when the server is reachable)`);
        return undefined;
      })
    : undefined;
  const report = createReporter({ config, server, reportByMail: options.reportByMail, ...(signingKey ? { signingKey } : {}), log });

  const runner = createCommandRunner({ deployer, server, report, journalPath: commandJournalPath(join(layout.root, 'state')), log });
  const commands = createCommandLoop({ server, runner, log });
  const health = createHealthLoop({ deployer, server, commands, report, runtimeName: runtime.name, log });
  const inbox = createInboxLoop({
    mailbox: options.mailbox,
    journal,
    concurrency: options.concurrency,
    log,
    processor: { config, layout, deployer, journal, nonces: createNonceStore(layout.deliveryNonces), fetchKeyList: options.fetchKeyList ?? (async () => (await server.keys()).keyList), report, log },
  });

  // finish what a crash interrupted, then take over (or restart) the deployed apps
  await rm(layout.downloads, { recursive: true, force: true });
  const pending = await journal.all();
  for (const change of await deployer.adopt()) await report(change);
  if (pending.length) log(`resuming after an interruption: ${counted(pending.length, 'mail')} in the journal`);
  void health.beat();

  return {
    config,
    deployer,
    server,
    get appCallPort() {
      return appCalls.port;
    },
    processOnce: inbox.processOnce,
    deployedVersion: (app) => deployer.deployedVersion(app),
    checkHealth: health.checkHealth,
    pollCommands: commands.poll,
    watch() {
      inbox.watch();
      health.start(options.heartbeatIntervalMs ?? 60_000);
      commands.start(options.commandIntervalMs ?? 10_000);
    },
    async stop(stopOptions = {}) {
      await inbox.stop();
      await health.stop();
      await commands.stop();
      await deployer.close(stopOptions);
      await appCalls.close();
      await options.mailbox.close();
    },
  };
}

export const agentHostname = () => hostname();
export const defaultMaildir = (home: string) => join(homeLayout(home).maildir);
