/**
 * GET /api/v1/apps (first page of 50 cards, with rating, installs and deployment health) on a
 * catalog of 10 000 apps and 20 000 deployments, as the server runs in production (warn logs):
 * a prefix search, a search with a typo, newest and by installs. Baseline in the same run: a bare
 * Fastify route returning the prefix search's JSON from memory. autocannon runs in its own process,
 * the targets take turns. On PGlite, then on PostgreSQL (a throwaway cluster when Debian's binaries
 * are installed, or --database-url postgres://… for PostgreSQL only). Repeated searches are answered
 * from the catalog's in-memory answers (catalog-search-cache.ts); the first search of each text, which
 * runs the SQL, is timed apart ("first search", distinct texts, p50 and worst).
 * Goals: search ≥ 0.25× bare with p99 ≤ 25 ms; by installs within 2× newest.
 *   node --import tsx bench/catalog-api.ts [--apps 10000] [--seconds 3] [--rounds 2] [--database-url URL]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { createDatabase, migrate } from '@marketplace/db';
import { findPostgresBinaries, startPostgres } from '../packages/db/src/testing/start-postgres.js';
import { buildApp } from '../apps/server/src/composition/app.js';
import { createLogger } from '../apps/server/src/composition/logger.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { migrations } from '../apps/server/src/composition/migrations.js';
import type { Db } from '../apps/server/src/db/schema.js';
import { wholeNumberOption } from './alternate-runs.js';
import { alternateLoad, figuresLine, type LoadTarget } from './load-generator.js';

const { values } = parseArgs({ options: { apps: { type: 'string', default: '10000' }, seconds: { type: 'string', default: '3' }, rounds: { type: 'string', default: '2' }, 'database-url': { type: 'string' } } });
const APPS = wholeNumberOption('apps', values.apps, 1_000_000);
const seconds = wholeNumberOption('seconds', values.seconds, 600);
const rounds = wholeNumberOption('rounds', values.rounds, 100);

async function measure(database: Awaited<ReturnType<typeof createDatabase>>): Promise<void> {
  await migrate(database as any, migrations);
  const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', RATE_LIMIT_PER_MINUTE: '1000000' });
  const app = await buildApp({ config, database: database as any, logger: createLogger(config).child({ component: 'http' }) });
  const registered = (await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: `Bench ${randomUUID()}`, name: 'B', email: `ana-${randomUUID()}@example.test`, password: 'correct horse battery staple' } })).json();
  const token = registered.token as string;
  const orgId = registered.organization.id as string;
  const userId = registered.user.id as string;
  const db = database.db as unknown as Db;
  const any = db as any;

  async function inBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>) {
    for (let i = 0; i < rows.length; i += 500) await insert(rows.slice(i, i + 500));
  }

  const seedStarted = performance.now();
  const kinds = ['api-service', 'web-dashboard', 'form-app', 'automation', 'data-tool'];
  const topics = ['laptops', 'room bookings', 'expense claims', 'holiday requests', 'invoices', 'incidents', 'visitors', 'parking'];
  const apps = Array.from({ length: APPS }, (_, i) => ({
    id: randomUUID(),
    org_id: orgId,
    name: `app-${i}`,
    title: `Tool ${i} for ${topics[i % topics.length]}`,
    summary: `Tracks ${topics[i % topics.length]} for team ${i % 40}, with reminders and a weekly report.`,
    kind: kinds[i % kinds.length]!,
    tags: [`team-${i % 40}`],
    spec: JSON.stringify({ entities: [{ name: 'record', fields: [{ name: 'owner', type: 'string' }, { name: 'due', type: 'date' }] }] }),
    latest_version: '1.0.0',
    author_id: userId,
    rating_avg: (i % 50) / 10,
    rating_count: i % 7,
    created_at: new Date(Date.now() - i * 60_000),
    updated_at: new Date(Date.now() - i * 60_000),
  }));
  await inBatches(apps, (batch) => any.insertInto('apps').values(batch).execute());
  const clients = Array.from({ length: 20 }, (_, i) => ({ id: randomUUID(), org_id: orgId, name: `agent-${i}`, client_id: `bench-${randomUUID()}`, secret_hash: 'x' }));
  await any.insertInto('agent_clients').values(clients).execute();
  const agents = clients.map((c, i) => ({ id: randomUUID(), org_id: orgId, user_id: userId, client_row_id: c.id, name: c.name, hostname: `host-${i}`, os: 'linux', mailbox: `agent-${randomUUID()}@example.test` }));
  await any.insertInto('agents').values(agents).execute();
  // installs skewed towards some apps, as in a real catalog: app i gets (i % 7) workstations
  const deployments = apps.flatMap((a, i) => Array.from({ length: i % 7 === 0 ? 0 : (i % 7) + 1 }, (_, k) => ({ id: randomUUID(), org_id: orgId, agent_id: agents[(i + k) % agents.length]!.id, app_id: a.id, app: a.name, version: '1.0.0', state: k % 5 === 4 ? 'unhealthy' : 'healthy', updated_at: new Date() })));
  await inBatches(deployments, (batch) => any.insertInto('deployments').values(batch).execute());
  // Planner statistics, as autovacuum's ANALYZE would gather on PostgreSQL after such a load (PGlite has no autovacuum).
  await sql`ANALYZE`.execute(db);
  const seedMs = performance.now() - seedStarted;

  const auth = { authorization: `Bearer ${token}` };
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const paths = {
    'search "invoi" (prefix)': '/api/v1/apps?limit=50&q=invoi',
    'search "invoces" (typo)': '/api/v1/apps?limit=50&q=invoces',
    'newest': '/api/v1/apps?limit=50',
    'by installs': '/api/v1/apps?limit=50&sort=installs',
  };
  const bodies = new Map<string, { items: { name: string; installs: number }[]; total: number }>();
  for (const [name, path] of Object.entries(paths)) {
    const response = await app.inject({ method: 'GET', url: path, headers: auth });
    if (response.statusCode !== 200) throw new Error(`${path} → ${response.statusCode} ${response.body}`);
    bodies.set(name, response.json());
  }
  // First searches of texts not asked before (no answer in memory: the SQL runs), one at a time.
  const firstTexts = ['lapt', 'expens', 'holid', 'parkin', 'visito', 'incide', 'room b', 'invoices team', 'reminders', 'weekly', 'parkng', 'expnse', 'holday', 'vistors', 'tool 77', 'team-13', 'booking', 'claims', 'report', 'requests'];
  const firstMs: number[] = [];
  for (const text of firstTexts) {
    const started = performance.now();
    const response = await app.inject({ method: 'GET', url: `/api/v1/apps?limit=50&q=${encodeURIComponent(text)}`, headers: auth });
    firstMs.push(performance.now() - started);
    if (response.statusCode !== 200) throw new Error(`first search "${text}" → ${response.statusCode} ${response.body}`);
  }
  firstMs.sort((a, b) => a - b);
  const searchBody = bodies.get('search "invoi" (prefix)')!;
  const bare = Fastify();
  bare.get('/apps', async () => searchBody);
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

  const targets: LoadTarget[] = [{ name: 'bare fastify (search JSON, memory)', url: `${bareUrl}/apps` }, ...Object.entries(paths).map(([name, path]) => ({ name, url: `${url}${path}`, headers: auth }))];
  const figures = await alternateLoad(targets, { rounds, seconds });
  const baseline = figures.get(targets[0]!.name)!;

  console.log(`${database.dialect}: ${APPS} apps, ${deployments.length} deployments on ${agents.length} agents, seeded in ${(seedMs / 1000).toFixed(1)} s`);
  console.log(`autocannon in its own process, 16 connections, ${rounds} rounds of ${seconds} s per target, median req/s:`);
  for (const [index, target] of targets.entries()) {
    const body = bodies.get(target.name);
    const detail = body ? `   [${body.items.length} of ${body.total}; first ${body.items[0]?.name}, installs ${body.items[0]?.installs}]` : '';
    console.log(figuresLine(target.name, figures.get(target.name)!, index ? baseline : undefined) + detail);
  }
  const search = figures.get('search "invoi" (prefix)')!;
  const typo = figures.get('search "invoces" (typo)')!;
  const ratio = search.rps / baseline.rps;
  const sortRatio = figures.get('newest')!.rps / figures.get('by installs')!.rps;
  console.log(`search ÷ bare ${ratio.toFixed(2)} (goal ≥ 0.25: ${ratio >= 0.25 ? 'met' : 'missed'}), p99 ${search.p99} ms / typo ${typo.p99} ms (goal ≤ 25 ms: ${Math.max(search.p99, typo.p99) <= 25 ? 'met' : 'missed'})`);
  console.log(`first search of a text (SQL, ${firstTexts.length} texts, in-process): p50 ${firstMs[Math.floor(firstMs.length / 2)]!.toFixed(1)} ms, worst ${firstMs.at(-1)!.toFixed(1)} ms`);
  console.log(`by installs takes ${sortRatio.toFixed(2)}× the time of newest (goal ≤ 2×: ${sortRatio <= 2 ? 'met' : 'missed'})`);

  await Promise.all([app.close(), bare.close()]);
  await database.close();
}

if (values['database-url']) {
  await measure(await createDatabase({ url: values['database-url'] }));
} else {
  await measure(await createDatabase({ memory: true }));
  if (findPostgresBinaries()) {
    const cluster = await startPostgres();
    try {
      await measure(await createDatabase({ url: cluster.url }));
    } finally {
      await cluster.stop();
    }
  } else {
    console.warn('PostgreSQL binaries not found (scripts/install-system-deps.sh): the PostgreSQL figures are missing.');
  }
}
