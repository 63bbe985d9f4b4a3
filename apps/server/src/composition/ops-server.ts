import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { JobQueue } from '@marketplace/db';
import type { MailHubThread } from '@marketplace/mail/hub';
import type { Config } from '../config/config.js';
import type { ServerDatabase } from '../db/database.js';
import core, { type ReadinessCheck } from '../plugins/core.js';
import { processMetrics } from '../plugins/metrics.js';
import healthRoutes from '../modules/health/health-routes.js';

type MailHubHealth = Pick<MailHubThread, 'failure' | 'restarts'>;

/** /readyz's check of the embedded mail hub's thread: failing, with the reason, while it is down. */
export function mailHubReadinessCheck(hub: MailHubHealth): ReadinessCheck {
  return {
    name: 'mail-hub',
    check: async () => {
      const failure = hub.failure();
      if (failure) throw new Error(`${failure.message}: no mail is taken until it is started again (automatically, after a pause of 1 s doubling up to 1 min)`);
    },
  };
}

/** What only the process holding the embedded mail hub knows of it: the same series in the api (all) role's /metrics and the smtp role's endpoint. */
export function registerMailHubMetrics(registry: Registry, hub: MailHubHealth): void {
  new Counter({
    name: 'marketplace_mail_hub_restarts_total',
    help: "Times this process started the embedded mail hub's thread again after it stopped on its own (each try; the log says why it stopped).",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(hub.restarts());
    },
  });
  new Gauge({
    name: 'marketplace_mail_hub_up',
    help: "1 while this process's embedded mail hub thread listens, 0 while it is down (no mail is taken until it is started again).",
    registers: [registry],
    collect() {
      this.set(hub.failure() ? 0 : 1);
    },
  });
}

/** /readyz's check of a worker's job queue: started, and with its workers polling. */
export function jobQueueReadinessCheck(jobs: Pick<JobQueue, 'status'>): ReadinessCheck {
  return {
    name: 'jobs',
    check: async () => {
      const status = jobs.status();
      if (status.state !== 'started') throw new Error(`the job queue is ${status.state === 'new' ? 'not started yet' : 'stopped'}: no job is run`);
      if (status.working && status.workers === 0) throw new Error('the job queue has no worker polling: no job is run');
    },
  };
}

/**
 * The job queue as this process sees it. The queued jobs by state come from the shared tables
 * (marketplace_job_queue_jobs, api role); these series count only this process's workers.
 */
export function registerJobQueueMetrics(registry: Registry, jobs: Pick<JobQueue, 'status'>): void {
  new Gauge({
    name: 'marketplace_job_workers_polling',
    help: 'Job queue workers polling for jobs in this process (0 when its queue is not started or stopped).',
    registers: [registry],
    collect() {
      this.set(jobs.status().workers);
    },
  });
  new Gauge({
    name: 'marketplace_jobs_running',
    help: 'Job handlers running in this process now.',
    registers: [registry],
    collect() {
      this.set(jobs.status().running);
    },
  });
  new Counter({
    name: 'marketplace_jobs_handled_total',
    help: 'Job handlers that ended in this process since it started, by queue and outcome (a failed one may be retried).',
    labelNames: ['queue', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { queue, outcome, count } of jobs.status().handled) this.inc({ queue, outcome }, count);
    },
  });
}

export interface OpsServerOptions {
  config: Config;
  database: ServerDatabase;
  /** What /readyz checks besides the database ping. */
  readinessChecks: ReadinessCheck[];
  /** Adds the role's own series to the process metrics registry. */
  metrics?: (registry: Registry) => void;
  logger: FastifyBaseLogger;
}

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The operations endpoint of the roles without the HTTP app (worker, smtp), on OPS_HOST:OPS_PORT: the api
 * role's /healthz and /readyz routes and a /metrics of this process, and nothing else (any other path is a 404).
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { host, port } = options.config.ops!;
  const app: FastifyInstance = Fastify({
    loggerInstance: options.logger,
    // Only GETs are answered: no body is read, and a client that dawdles is cut off.
    bodyLimit: 1024,
    requestTimeout: 10_000,
    connectionTimeout: 10_000,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(core, { config: options.config, database: options.database });
  app.readinessChecks.push(...options.readinessChecks);
  // Probes and scrapes come every few seconds: their requests are not logged below warn.
  await app.register(healthRoutes, { logLevel: 'warn' });
  const registry = processMetrics(options.database);
  options.metrics?.(registry);
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: `There is no ${request.method} ${request.url.split('?')[0]} here: this endpoint answers only /healthz, /readyz and /metrics.` }));
  try {
    const url = await app.listen({ host, port });
    return { url, close: () => app.close() };
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'that port is in use by another process; choose a free one'
        : code === 'EACCES'
          ? 'this user may not listen there (ports below 1024 need privileges); choose a port above 1023'
          : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
            ? 'no network interface of this machine has that address; set OPS_HOST to one of its addresses, or leave it empty for HOST'
            : (error as Error).message;
    throw new Error(`OPS_PORT: the operations endpoint cannot listen on ${host}:${port}: ${why}.`, { cause: error });
  }
}
