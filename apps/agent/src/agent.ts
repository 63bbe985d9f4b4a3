import { hostname, platform, release } from 'node:os';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { commandJournalPath, createCommandRunner } from './command-runner.js';
import { buildStatusEmail, createMailSender, type Mailbox, type MessageRef } from '@marketplace/mail';
import type { ReleaseLimits } from '@marketplace/release';
import { loadConfig, type AgentConfig } from './agent-config.js';
import { homeLayout } from './agent-home.js';
import { Deployer } from './deployer.js';
import { healthReport, probeHealth } from './health-check.js';
import { createJournal } from './journal.js';
import { mailKey, processRelease } from './release-processor.js';
import { createProcessRuntime } from './runtimes/process-runtime.js';
import type { Runtime } from './runtimes/runtime.js';
import { createServerClient, type DeploymentReport, type ServerClient } from './server-client.js';
import { AGENT_VERSION } from './version.js';

export interface AgentOptions {
  home: string;
  mailbox: Mailbox;
  runtime?: Runtime;
  /** Replaces GET /api/v1/keys as the source of the current key list. */
  fetchKeyList?: () => Promise<string | null>;
  /** Also (or, when the server is unreachable, instead) send reports as status e-mails through this SMTP server. */
  reportByMail?: { host: string; port: number; to: string; secure?: boolean; user?: string; pass?: string };
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
  deployedVersion(app: string): string | undefined;
  /** Handles everything in the inbox now; resolves when done. */
  processOnce(): Promise<{ processed: number; ignored: number }>;
  /** Probes every deployed app's health path; a change (healthy ↔ unhealthy) is reported with the sample. Runs with each heartbeat. */
  checkHealth(): Promise<void>;
  /** Asks the server for commands (rollback, remove) and runs them; resolves when they are done. */
  pollCommands(): Promise<void>;
  /** Watches the mailbox until `stop`. */
  watch(): void;
  stop(options?: { stopApps?: boolean }): Promise<void>;
}

/**
 * The agent as a library: `marketplace-agent run` and the tests drive the same object. On start it
 * finishes what a crash interrupted (journal), adopts or restarts the deployed apps, and flushes
 * queued reports.
 */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const layout = homeLayout(options.home);
  const config = await loadConfig(layout);
  const log = options.log ?? ((message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`));
  const runtime = options.runtime ?? createProcessRuntime();
  const server = createServerClient(config, layout);
  const deployer = new Deployer({ layout, runtime, limits: config.limits as Partial<ReleaseLimits> | undefined, maxHealthTimeoutMs: options.maxHealthTimeoutMs, log });
  const journal = createJournal(layout.journal);
  const mailbox = options.mailbox;
  const sender = options.reportByMail ? createMailSender({ host: options.reportByMail.host, port: options.reportByMail.port, secure: options.reportByMail.secure ?? false, ...(options.reportByMail.user ? { user: options.reportByMail.user, pass: options.reportByMail.pass } : {}) }) : null;

  async function report(entry: DeploymentReport): Promise<void> {
    let outcome: string;
    try {
      outcome = await server.report(entry);
    } catch (error) {
      log(`report ${entry.app} ${entry.version} ${entry.state} refused by the server: ${(error as Error).message}`);
      outcome = 'refused';
    }
    if (sender && options.reportByMail) {
      const at = entry.at ?? new Date().toISOString();
      const raw = await buildStatusEmail({
        from: config.mailbox,
        to: options.reportByMail.to,
        messageId: `<status.${entry.app}.${entry.version}.${entry.state}.${Date.now()}@${config.mailbox.split('@')[1]}>`,
        status: { statusVersion: 1, agentId: config.agentId, app: entry.app, version: entry.version, state: entry.state, ...(entry.reason ? { reason: entry.reason } : {}), ...(entry.health ? { health: { ok: entry.health.ok, ...(entry.health.detail ? { detail: entry.health.detail } : {}), ...(entry.health.url ? { url: entry.health.url } : {}) } } : {}), at },
      });
      const sent = await sender.send({ raw, envelope: { from: config.mailbox, to: [options.reportByMail.to] } });
      if (!sent.ok) log(`status mail not sent (${outcome}): ${sent.response ?? sent.code}`);
    }
  }

  const deps = {
    config,
    layout,
    deployer,
    journal,
    fetchKeyList: options.fetchKeyList ?? (async () => (await server.keys()).keyList),
    report,
    log,
  };

  const commands = createCommandRunner({ deployer, server, report, journalPath: commandJournalPath(join(layout.root, 'state')), log });

  // 1. finish what a crash interrupted
  await rm(layout.downloads, { recursive: true, force: true });
  const pending = await journal.all();
  await deployer.startAll();
  if (pending.length) log(`resuming after an interruption: ${pending.length} mail(s) in the journal`);

  let stopped = false;
  let running: Promise<{ processed: number; ignored: number }> | null = null;
  let again = false;

  async function handle(ref: MessageRef): Promise<'processed' | 'ignored'> {
    const raw = await mailbox.read(ref);
    const key = mailKey(raw);
    const entry = await journal.get(key);
    if (entry?.phase === 'done' && entry.folder) {
      await mailbox.move(ref, entry.folder);
      await journal.remove(key);
      return 'processed';
    }
    const decision = await processRelease(raw, deps);
    if (decision.kind === 'ignore') return 'ignored';
    await mailbox.move(ref, decision.folder);
    await journal.remove(key);
    return 'processed';
  }

  async function pass(): Promise<{ processed: number; ignored: number }> {
    const counts = { processed: 0, ignored: 0 };
    const refs = await mailbox.list();
    const queue = [...refs];
    const workers = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
      for (let ref = queue.shift(); ref && !stopped; ref = queue.shift()) {
        try {
          counts[await handle(ref)] += 1;
        } catch (error) {
          log(`could not handle message ${ref.id}: ${(error as Error).message}`);
        }
      }
    });
    await Promise.all(workers);
    return counts;
  }

  function processOnce(): Promise<{ processed: number; ignored: number }> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      const total = { processed: 0, ignored: 0 };
      do {
        again = false;
        const counts = await pass();
        total.processed += counts.processed;
        total.ignored = counts.ignored;
      } while (again && !stopped);
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  async function checkHealth(): Promise<void> {
    for (const app of deployer.apps()) {
      if (!app.current || !app.port || stopped) continue;
      const sample = await probeHealth(app.port, app.healthPath, 2000);
      const now = sample.ok ? 'healthy' : 'unhealthy';
      if (now === app.state || (app.state !== 'healthy' && app.state !== 'unhealthy')) continue;
      await deployer.markHealth(app.name, now);
      log(`${app.name} ${app.current} is ${now}: ${sample.detail}`);
      await report({ app: app.name, version: app.current, state: now, health: healthReport(sample, app.port), ...(sample.ok ? {} : { logTail: await deployer.logTail(app.name) }) });
    }
  }

  async function heartbeat(): Promise<void> {
    await checkHealth().catch((error) => log(`health check failed: ${(error as Error).message}`));
    try {
      await server.flush();
      const answer = await server.heartbeat({
        version: AGENT_VERSION,
        os: `${platform()} ${release()}`.slice(0, 64),
        runtimes: [runtime.name],
        apps: deployer.apps().filter((app) => app.current).map((app) => ({ name: app.name, version: app.current!, state: app.state })),
      });
      if (answer.commands?.length && !stopped) await commands.run(answer.commands);
    } catch (error) {
      log(`heartbeat failed: ${(error as Error).message}`);
    }
  }

  let polling: Promise<void> | null = null;
  function pollCommands(): Promise<void> {
    polling ??= (async () => {
      try {
        const due = await server.commands();
        if (due.length && !stopped) await commands.run(due);
      } catch (error) {
        log(`command poll failed: ${(error as Error).message}`);
      }
    })().finally(() => {
      polling = null;
    });
    return polling;
  }

  let stopWatching: (() => void) | null = null;
  let timer: NodeJS.Timeout | undefined;
  let commandTimer: NodeJS.Timeout | undefined;
  const beat = heartbeat();

  return {
    config,
    deployer,
    server,
    processOnce,
    deployedVersion: (app) => deployer.deployedVersion(app),
    checkHealth,
    pollCommands,
    watch() {
      stopWatching = mailbox.watch(() => void processOnce());
      timer = setInterval(() => void heartbeat(), options.heartbeatIntervalMs ?? 60_000);
      timer.unref();
      const every = options.commandIntervalMs ?? 10_000;
      if (every > 0) {
        commandTimer = setInterval(() => void pollCommands(), every);
        commandTimer.unref();
      }
      void processOnce();
    },
    async stop(stopOptions = {}) {
      stopped = true;
      stopWatching?.();
      clearInterval(timer);
      clearInterval(commandTimer);
      await running?.catch(() => {});
      await beat;
      await polling;
      await deployer.close(stopOptions);
      await mailbox.close();
    },
  };
}

export const agentHostname = () => hostname();
export const defaultMaildir = (home: string) => join(homeLayout(home).maildir);
