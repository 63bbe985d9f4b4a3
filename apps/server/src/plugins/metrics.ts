import fp from 'fastify-plugin';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { ServerDatabase } from '../db/database.js';
import { registerStateMetrics } from './state-metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

/**
 * What every process exports about itself, whatever its role: prom-client's default process metrics
 * (event-loop lag, memory, GC, open handles …) and its database pool. The api role's /metrics and the
 * worker and smtp roles' operations endpoint (ops-server.ts) both start from this registry.
 */
export function processMetrics(database: Pick<ServerDatabase, 'poolStats'>): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'marketplace' });
  collectDefaultMetrics({ register: registry });
  // prom-client also publishes these gauges with a counter's `_total` suffix, which promtool rejects;
  // the same figures remain under nodejs_active_handles / _requests / _resources (by type).
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database connections by state (PGlite is a single in-process connection).',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const stats = database.poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  return registry;
}

/**
 * Prometheus metrics at /metrics: HTTP latency by route (the route pattern, never the raw URL, so
 * cardinality stays bounded), the database pool, the process, and the installation's state
 * (state-metrics.ts). One registry per app instance.
 */
export default fp(
  async function metrics(app: FastifyInstance) {
    const database = app.database;
    const registry = processMetrics(database);
    const httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    // What the worker and smtp roles do (they serve no HTTP), read from the shared database.
    registerStateMetrics(registry, database, app.db, app.log);
    app.decorate('metrics', registry);

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });

    app.get('/metrics', { config: { auth: false, rateLimit: false }, schema: { hide: true } }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics', dependencies: ['database'] },
);
