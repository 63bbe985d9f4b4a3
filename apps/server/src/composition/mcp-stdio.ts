import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createJobQueue } from '@marketplace/db';
import { randomUUID } from 'node:crypto';
import { apiKeyPrincipal, lookupApiKey } from '../modules/auth/api-key-principal.js';
import { CREDENTIAL_CACHE_MS } from '../modules/auth/authentication-plugin.js';
import type { Principal } from '../modules/auth/principal.js';
import { TtlCache } from '../modules/auth/ttl-cache.js';
import { createConfiguredEventBus } from '../modules/events/event-bus.js';
import { createMcpServer } from '../modules/mcp/mcp-server.js';
import { createConfiguredOrgKeys } from '../modules/org-keys/org-keys-plugin.js';
import { AppError } from '../errors/app-error.js';
import { jobDefinitions } from './jobs.js';
import { API_KEY_VARIABLE } from './mcp-api-key.js';
import { openRuntime } from './runtime.js';
import { createServices, pipelineServices } from './services.js';

/**
 * `marketplace mcp`: the MCP server over stdio for one API key, on the configured database. Jobs a tool
 * queues (builds, deliveries) are run here too (`run`) or left to the server's workers (`queue`: PostgreSQL).
 * stdout carries only MCP messages; logs go to stderr. Ends when the client closes stdin.
 */
export async function startMcpStdio(options: { env?: Record<string, string | undefined>; jobs?: 'run' | 'queue' } = {}): Promise<{ stop(): Promise<void>; closed: Promise<void> }> {
  const env = options.env ?? process.env;
  const key = env[API_KEY_VARIABLE];
  if (!key) throw new AppError('API_KEY_MISSING', 401, `Set ${API_KEY_VARIABLE} to an API key (an admin creates one under Admin → API keys, or POST /api/v1/api-keys).`);
  const runtime = await openRuntime({ env, logToStderr: true });
  const { config, logger, database } = runtime;
  const events = createConfiguredEventBus(config, logger);
  try {
    const principal = await apiKeyPrincipal(key, (prefix) => lookupApiKey(database.db, prefix));
    // The embedded database opens in one process only, so with it the jobs run here unless told otherwise.
    const work = (options.jobs ?? (database.dialect === 'pglite' ? 'run' : 'queue')) === 'run';
    const jobs = createJobQueue(database, { logger: logger.child({ component: 'jobs' }), work });
    const services = createServices({ config, database, jobs, orgKeys: createConfiguredOrgKeys(database.db, config), events, logger });
    for (const job of jobDefinitions(pipelineServices(services, jobs, logger))) jobs.register(job);
    await jobs.start();
    // The key is proven again at most every CREDENTIAL_CACHE_MS, as the HTTP sign-in does: a revoked key or a demoted owner applies here too.
    const proven = new TtlCache<Principal>(CREDENTIAL_CACHE_MS);
    proven.set(key, principal);
    const caller = async () => {
      let current = proven.get(key);
      if (!current) {
        current = await apiKeyPrincipal(key, (prefix) => lookupApiKey(database.db, prefix));
        proven.set(key, current);
      }
      return { principal: current, requestId: `mcp-stdio-${randomUUID()}`, ip: null };
    };
    const server = createMcpServer({ ...services, logger }, () => caller());
    const transport = new StdioServerTransport();
    let stopping: Promise<void> | undefined;
    let markStopped: () => void = () => {};
    const stopped = new Promise<void>((resolve) => (markStopped = resolve));
    const stop = () =>
      (stopping ??= (async () => {
        await server.close();
        await jobs.stop({ graceful: true, timeoutMs: 10_000 });
        await services.close();
        await events.close();
        await runtime.close();
        markStopped();
      })());
    server.onclose = () => void stop();
    process.stdin.once('end', () => void stop());
    await server.connect(transport);
    logger.info({ orgId: principal.orgId, apiKey: principal.id, jobs: work ? 'run' : 'queue', dialect: database.dialect }, 'MCP server on stdio');
    return { stop, closed: stopped };
  } catch (error) {
    await events.close();
    await runtime.close();
    throw error;
  }
}
