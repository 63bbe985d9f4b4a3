import type { Logger } from 'pino';
import { startMailBacklogEvents } from '../modules/mail-processing/mail-backlog.js';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config/config.js';
import type { ServerDatabase } from '../db/database.js';
import { problem, sendProblem, toProblem } from '../errors/problem.js';
import core from '../plugins/core.js';
import security from '../plugins/security.js';
import compression from '../plugins/compression.js';
import authentication from '../modules/auth/authentication-plugin.js';
import auditTrail from '../modules/audit/audit-trail-plugin.js';
import orgKeys from '../modules/org-keys/org-keys-plugin.js';
import type { OrgKeys } from '../modules/org-keys/org-keys-service.js';
import events from '../modules/events/events-plugin.js';
import type { EventBus } from '../modules/events/event-bus.js';
import metrics from '../plugins/metrics.js';
import openapi from '../plugins/openapi.js';
import webUi from '../plugins/web-ui.js';
import { routeModules } from './route-modules.js';
import servicesPlugin from './services-plugin.js';
import { createServices, type ServerServices } from './services.js';
import type { JobQueue } from '@marketplace/db';

export interface BuildAppOptions {
  config: Config;
  database: ServerDatabase;
  jobs?: JobQueue | null;
  /** The process's organisation keys, shared with the job workers; a new instance when omitted. */
  orgKeys?: OrgKeys;
  /** The process's event bus, shared with the job workers; an in-process one when omitted. */
  events?: EventBus;
  /** A pino logger; none in tests. */
  logger?: FastifyBaseLogger;
  /** The process's services (server.ts); built from the options above, and closed with the app, when omitted. */
  services?: ServerServices;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** TRUST_PROXY as Fastify takes it: a hop count becomes "the nearest N hops" (what Fastify does with a number). */
function trustedProxies(setting: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting === false ? false : [...setting];
}

/**
 * The whole HTTP application as one Fastify instance: external plugins, then our app plugins,
 * then the route modules. server.ts only listens; tests call `app.inject()`.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: options.config.bodyLimitBytes,
    // Behind a reverse proxy every client would be the proxy's address: one rate-limit budget for all (TRUST_PROXY).
    trustProxy: trustedProxies(options.config.trustProxy),
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((error, request, reply) => {
    const { problem: value, headers } = toProblem(error, request);
    if (value.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: value.code, status: value.status }, value.detail);
    return sendProblem(reply, value, headers);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, 'ROUTE_NOT_FOUND', `There is no ${request.method} ${request.url.split('?')[0]}; see /docs for the API.`, { requestId: request.id })),
  );

  const services = options.services ?? createServices({ config: options.config, database: options.database, jobs: options.jobs ?? null, orgKeys: options.orgKeys, events: options.events, logger: app.log });
  await app.register(core, { config: services.config, database: services.database, jobs: services.jobs });
  await app.register(security);
  await app.register(compression);
  await app.register(authentication);
  await app.register(auditTrail);
  await app.register(orgKeys, { orgKeys: services.orgKeys });
  await app.register(events, { events: services.events });
  await app.register(servicesPlugin, { services, owned: !options.services });
  await app.register(metrics);
  await app.register(openapi);
  // Named up front: for a plugin without a name Fastify searches the whole CommonJS module cache, twice per plugin.
  for (const module of routeModules) await app.register(Object.assign(module.plugin, { [Symbol.for('fastify.display-name')]: module.plugin.name }), { prefix: module.prefix });
  await app.register(webUi);
  // Live mail pipeline backlog for the signed-in admins of this process's event streams.
  const stopBacklog = startMailBacklogEvents({ db: services.db, events: services.events, logger: app.log as unknown as Logger });
  app.addHook('onClose', async () => stopBacklog());
  return app;
}
