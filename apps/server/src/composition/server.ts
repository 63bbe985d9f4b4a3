import type { FastifyInstance } from 'fastify';
import { createJobQueue, type JobQueue } from '@marketplace/db';
import { jobDefinitions } from './jobs.js';
import { createServices, pipelineServices } from './services.js';
import { conversationMailLoop, conversationSweeper } from '../modules/conversations/conversation-services.js';
import { createConfiguredOrgKeys } from '../modules/org-keys/org-keys-plugin.js';
import { createConfiguredEventBus } from '../modules/events/event-bus.js';
import { buildApp } from './app.js';
import { openRuntime, pendingMigrations, type Runtime } from './runtime.js';
import type { MailHub } from '@marketplace/mail/hub';
import { startEmbeddedMailHub } from '../modules/mail-intake/embedded-mail-hub.js';
import { mailChannelMode, type MailChannelMode } from '../modules/mail-intake/mail-channel-mode.js';

export type Role = 'all' | 'api' | 'worker' | 'smtp';
export const ROLES: Role[] = ['all', 'api', 'worker', 'smtp'];

export interface RunningServer {
  runtime: Runtime;
  app: FastifyInstance | null;
  url: string | null;
  /** The embedded mail hub (roles all and smtp, when SMTP_HOST is not set). */
  mailHub: { host: string; port: number } | null;
  stop(): Promise<void>;
}

/**
 * Start the server in one role. Only listening and shutting down live here: the HTTP application is
 * built in app.ts. SIGTERM / SIGINT stop accepting, let in-flight requests and jobs finish, then
 * close the database.
 */
export async function startServer(options: { role?: Role; env?: Record<string, string | undefined>; handleSignals?: boolean } = {}): Promise<RunningServer> {
  const role = options.role ?? 'all';
  const started = performance.now();
  const runtime = await openRuntime({ env: options.env });
  const { config, logger } = runtime;
  // Incoming mail proves its sender by DKIM, or by the issued reply address / a confirmation (refused in production unless allowed).
  let mailMode: MailChannelMode | null;
  try {
    mailMode = (role === 'all' || role === 'smtp') && !config.smtp.host ? mailChannelMode(config) : null;
  } catch (error) {
    await runtime.close();
    throw error;
  }
  let app: FastifyInstance | null = null;
  let url: string | null = null;
  let jobs: JobQueue | null = null;

  // One instance per process: the HTTP routes and the signing job share its key cache and its locks.
  const orgKeys = createConfiguredOrgKeys(runtime.database.db, config);
  // One event bus per process: jobs publish, the HTTP role streams; over Redis when REDIS_URL is set,
  // so a worker's pipeline steps reach the API processes holding the SSE connections.
  const events = createConfiguredEventBus(config, logger);

  if (role === 'all' || role === 'worker' || role === 'api') {
    // The API role only queues work; workers (and `all`) also run it.
    jobs = createJobQueue(runtime.database, { logger: logger.child({ component: 'jobs' }), work: role !== 'api' });
  }
  // One set of services per process, used by the HTTP routes, the job workers and the mail hub alike.
  const services = createServices({ config, database: runtime.database, jobs, orgKeys, events, logger });
  if (jobs) {
    for (const job of jobDefinitions(pipelineServices(services, jobs, logger))) jobs.register(job);
    await jobs.start();
  }
  // Processes that run jobs also mark idle conversations abandoned (CONVERSATION_IDLE_HOURS).
  const sweeper = role === 'all' || role === 'worker' ? conversationSweeper(services.conversations) : null;
  await sweeper?.start();

  if (role === 'all' || role === 'api') {
    app = await buildApp({ config, database: runtime.database, jobs, orgKeys, events, services, logger: logger.child({ component: 'http' }) });
    app.readinessChecks.push({
      name: 'migrations',
      check: async () => {
        const pending = await pendingMigrations(runtime.database);
        if (pending.length) throw new Error(`pending migrations: ${pending.join(', ')} (run: marketplace db migrate)`);
      },
    });
    url = await app.listen({ host: config.host, port: config.port });
  }

  let mailHub: MailHub | null = null;
  // Without an HTTP app (role smtp) the conversations' mail loop runs here; with one, the app runs it.
  const mailLoop = !app && role === 'smtp' && !config.smtp.host ? conversationMailLoop(services.conversations) : null;
  if (mailMode) {
    mailHub = await startEmbeddedMailHub(config, services, logger);
  }
  await mailLoop?.start();
  // Stored incoming mail is processed by the queue: in the app's processes by the app (services plugin), else here.
  const mailQueue = !app && (role === 'smtp' || role === 'worker') ? services.mailQueue : null;
  await mailQueue?.start();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('shutting down');
      await mailHub?.close();
      mailLoop?.stop();
      await mailQueue?.stop();
      sweeper?.stop();
      await app?.close();
      await jobs?.stop({ graceful: true, timeoutMs: 10_000 });
      await services.close();
      await events.close();
      await runtime.close();
      logger.info('stopped');
    })());

  if (options.handleSignals !== false) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        const force = setTimeout(() => {
          logger.error('shutdown took longer than 15 s; exiting');
          process.exit(1);
        }, 15_000);
        force.unref();
        stop().then(
          () => process.exit(0),
          (error) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
    }
  }

  logger.info({ role, url, mailHub: mailHub ? `${mailHub.host}:${mailHub.port}` : null, mailSenderProof: mailMode, dialect: runtime.database.dialect, startupMs: Math.round(performance.now() - started) }, 'marketplace started');
  return { runtime, app, url, mailHub: mailHub ? { host: mailHub.host, port: mailHub.port } : null, stop };
}
