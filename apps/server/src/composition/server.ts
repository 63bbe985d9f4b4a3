import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { createJobQueue, type JobQueue } from '@marketplace/db';
import { jobDefinitions } from './jobs.js';
import { createServices, pipelineServices } from './services.js';
import { conversationMailLoop, conversationSweeper } from '../modules/conversations/conversation-services.js';
import { createConfiguredOrgKeys } from '../modules/org-keys/org-keys-plugin.js';
import { createConfiguredEventBus } from '../modules/events/event-bus.js';
import { buildApp } from './app.js';
import { openRuntime, pendingMigrations, type Runtime } from './runtime.js';
import type { MailHubThread } from '@marketplace/mail/hub';
import { startEmbeddedMailHub } from '../modules/mail-intake/embedded-mail-hub.js';
import { mailChannelMode, type MailChannelMode } from '../modules/mail-intake/mail-channel-mode.js';
import { startServiceMailbox, type ServiceMailbox } from '../modules/mail-intake/service-mailbox.js';
import { startGmailMailbox, type GmailMailbox } from '../modules/gmail/gmail-mailbox.js';
import { openWorkDir, type WorkDir } from '../modules/pipeline/work-dir.js';
import { webhookSweeper } from '../modules/webhooks/webhook-sweeper.js';
import { outboxRelaySweep } from '../modules/webhooks/webhook-outbox-relay.js';
import type { Role } from './role-settings.js';
import { stopOnSignals } from './stop-on-signals.js';
import { jobQueueReadinessCheck, mailHubReadinessCheck, registerJobQueueMetrics, registerMailHubMetrics, startOpsServer, type OpsServer } from './ops-server.js';
import type { ReadinessCheck } from '../plugins/core.js';

/** How often expired jobs (a dead worker's, see STEP_HEARTBEAT_SECONDS) are put back for a retry. */
export const JOB_MAINTENANCE_SECONDS = 15;

export { ROLES, type Role } from './role-settings.js';

export interface RunningServer {
  runtime: Runtime;
  app: FastifyInstance | null;
  url: string | null;
  /** Roles worker and smtp with OPS_PORT set: where their /healthz, /readyz and /metrics answer (null otherwise). */
  opsUrl: string | null;
  /** The embedded mail hub (roles all and smtp, when SMTP_HOST is not set); failure() while its thread is down. */
  mailHub: Pick<MailHubThread, 'host' | 'port' | 'failure' | 'restarts'> | null;
  /** The service mailbox read for mail to the marketplace address (roles all and smtp, when IMAP_HOST is set). */
  serviceMailbox: ServiceMailbox | null;
  /** The connected Gmail mailboxes' reader (roles all and smtp, when GMAIL_CLIENT_ID is set). */
  gmailMailbox: GmailMailbox | null;
  stop(): Promise<void>;
}

/**
 * Start the server in one role. Only listening and shutting down live here: the HTTP application is
 * built in app.ts. SIGTERM / SIGINT stop accepting, let in-flight requests and jobs finish, then
 * close the database.
 */
export async function startServer(options: { role?: Role; env?: Record<string, string | undefined>; handleSignals?: boolean; logDestination?: DestinationStream } = {}): Promise<RunningServer> {
  const role = options.role ?? 'all';
  // Start-up phases in ms (decision 0054), logged with 'marketplace started': `load` is node's own start and module loading.
  const started = performance.now();
  const phases: Record<string, number> = { load: Math.round(started) };
  let mark = started;
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - mark);
    mark = now;
  };
  // A role missing a setting it needs stops here, naming it, before touching the database.
  const runtime = await openRuntime({ env: options.env, role, ...(options.logDestination ? { logDestination: options.logDestination } : {}) });
  const { config, logger } = runtime;
  phase('database');
  // Incoming mail (the embedded hub's listener, or the IMAP service mailbox) proves its sender by DKIM,
  // or by the issued reply address / a confirmation (refused in production unless allowed).
  const mailRole = role === 'all' || role === 'smtp';
  const embeddedHub = mailRole && !config.smtp.host;
  const readsServiceMailbox = mailRole && (Boolean(config.imap.host) || Boolean(config.gmail));
  let mailMode: MailChannelMode | null;
  try {
    mailMode = embeddedHub || readsServiceMailbox ? mailChannelMode(config) : null;
  } catch (error) {
    await runtime.close();
    throw error;
  }
  let app: FastifyInstance | null = null;
  let url: string | null = null;
  let workDir: WorkDir | null = null;

  // One instance per process: the HTTP routes and the signing job share its key cache and its locks.
  const orgKeys = createConfiguredOrgKeys(runtime.database.db, config);
  // One event bus per process: jobs publish, the HTTP role streams; over Redis when REDIS_URL is set,
  // so a worker's pipeline steps reach the API processes holding the SSE connections.
  const events = createConfiguredEventBus(config, logger);

  const works = role === 'all' || role === 'worker';
  // The API and smtp roles only queue work (a request by mail starts a build too); workers (and `all`) also run it.
  const jobs: JobQueue = createJobQueue(runtime.database, { logger: logger.child({ component: 'jobs' }), work: works, maintenanceIntervalSeconds: JOB_MAINTENANCE_SECONDS });
  // One set of services per process, used by the HTTP routes, the job workers and the mail hub alike.
  const services = createServices({ config, database: runtime.database, jobs, orgKeys, events, logger });
  try {
    // Validation's scratch space: this worker's own directory; those of workers that died are removed now.
    if (works) workDir = await openWorkDir(config.workDir, logger);
    for (const job of jobDefinitions(pipelineServices(services, jobs, logger, workDir?.path))) jobs.register(job);
    await jobs.start();
    phase('jobs');
  } catch (error) {
    await events.close();
    await workDir?.close();
    await runtime.close();
    throw error;
  }

  // What /readyz checks besides the database ping, in the app (api, all) or on the operations endpoint (worker, smtp).
  const migrationsCheck: ReadinessCheck = {
    name: 'migrations',
    check: async () => {
      const pending = await pendingMigrations(runtime.database);
      if (pending.length) throw new Error(`pending migrations: ${pending.join(', ')} (run: marketplace db migrate)`);
    },
  };
  if (role === 'all' || role === 'api') {
    app = await buildApp({ config, database: runtime.database, jobs, orgKeys, events, services, logger: logger.child({ component: 'http' }) });
    phase('app');
    app.readinessChecks.push(migrationsCheck);
    url = await app.listen({ host: config.host, port: config.port });
    phase('listen');
  }

  let mailHub: MailHubThread | null = null;
  // Without an HTTP app (role smtp) the conversations' mail loop runs here; with one, the app runs it.
  const mailLoop = !app && role === 'smtp' && mailMode ? conversationMailLoop(services.conversations) : null;
  if (embeddedHub) {
    const hub = await startEmbeddedMailHub(config, services, logger);
    mailHub = hub;
    // The hub's listener runs in a thread of its own: /readyz says so while that thread is down (it is started again).
    if (app) {
      app.readinessChecks.push(mailHubReadinessCheck(hub));
      registerMailHubMetrics(app.metrics, hub);
    }
  }
  phase('mail');
  let ops: OpsServer | null = null;
  // Maintenance sweeps start once the server listens: none is needed to answer /readyz (decision 0054).
  // Processes that run jobs also mark idle conversations abandoned (CONVERSATION_IDLE_HOURS).
  const sweeper = role === 'all' || role === 'worker' ? conversationSweeper(services.conversations) : null;
  await sweeper?.start();
  // They also sweep webhooks: deliveries past WEBHOOK_RETENTION_DAYS and old secrets past their overlap go, lost deliveries are queued again.
  const webhookRetention = works ? webhookSweeper({ db: services.db, config, queue: jobs, logger: logger.child({ component: 'webhook-sweeper' }) }) : null;
  await webhookRetention?.start();
  // And relay what the event outbox still holds: events whose own process died between commit and relay (decision 0042).
  const outboxRelay = works ? outboxRelaySweep(() => services.webhooks.relayPending(), logger.child({ component: 'webhook-relay' })) : null;
  await outboxRelay?.start();
  phase('sweepers');
  let serviceMailbox: ServiceMailbox | null = null;
  let gmailMailbox: GmailMailbox | null = null;
  // Stored incoming mail is processed by the queue: in the app's processes by the app (services plugin), else here.
  const mailQueue = !app && (role === 'smtp' || role === 'worker') ? services.mailQueue : null;
  await mailQueue?.start();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('shutting down');
      await mailHub?.close();
      await serviceMailbox?.close();
      await gmailMailbox?.close();
      mailLoop?.stop();
      await mailQueue?.stop();
      sweeper?.stop();
      webhookRetention?.stop();
      outboxRelay?.stop();
      await app?.close();
      await ops?.close();
      await jobs.stop({ graceful: true, timeoutMs: 10_000 });
      await workDir?.close();
      await services.close();
      await events.close();
      await runtime.close();
      logger.info('stopped');
    })());

  // The same intake chain (status reports, then conversations behind the sender proof) as the hub's;
  // a service mailbox that cannot be opened (wrong IMAP_* settings, server unreachable) stops the start.
  if (mailRole && config.imap.host) {
    try {
      serviceMailbox = await startServiceMailbox(config, services, logger);
    } catch (error) {
      await stop();
      throw error;
    }
  }
  // Connected Gmail mailboxes (Admin → Gmail) are read into the same queue.
  if (mailRole && services.gmail) gmailMailbox = startGmailMailbox({ db: services.db, gmail: services.gmail, mailQueue: services.mailQueue, logger });
  await mailLoop?.start();
  // The roles without the app answer /healthz, /readyz and /metrics on OPS_PORT when it is set (decision 0078).
  if (!app && config.ops) {
    const hub = mailHub;
    try {
      ops = await startOpsServer({
        config,
        database: runtime.database,
        readinessChecks: [migrationsCheck, ...(works ? [jobQueueReadinessCheck(jobs)] : []), ...(hub ? [mailHubReadinessCheck(hub)] : [])],
        metrics: (registry) => {
          if (works) registerJobQueueMetrics(registry, jobs);
          if (hub) registerMailHubMetrics(registry, hub);
        },
        logger: logger.child({ component: 'ops' }),
      });
    } catch (error) {
      await stop();
      throw error;
    }
    phase('ops');
  }

  if (options.handleSignals !== false) stopOnSignals(stop, logger);

  logger.info({ role, url, opsUrl: ops?.url ?? null, mailHub: mailHub ? `${mailHub.host}:${mailHub.port}` : null, serviceMailbox: serviceMailbox ? `imap://${config.imap.user}@${config.imap.host}:${config.imap.port}` : null, mailSenderProof: mailMode, dialect: runtime.database.dialect, startupMs: Math.round(performance.now() - started), phasesMs: phases }, 'marketplace started');
  return { runtime, app, url, opsUrl: ops?.url ?? null, mailHub, serviceMailbox, gmailMailbox, stop };
}
