/**
 * The server half of the catalog page's time to interactive: GET /api/v1/apps (the first page of 50
 * cards, with rating, installs and deployment health) on PGlite seeded with 1 000 apps, 1 000
 * reviews and 2 000 deployments — newest, by installs, by rating, and a full-text search — p50 and
 * p95 of sequential calls, against GET /api/v1/auth/me measured in the same run.
 *   node --import tsx bench/catalog-api.ts [--calls 40]
 */
import { randomUUID } from 'node:crypto';
import { createDatabase, migrate } from '@marketplace/db';
import { buildApp } from '../apps/server/src/composition/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { migrations } from '../apps/server/src/composition/migrations.js';
import type { Db } from '../apps/server/src/db/schema.js';

const calls = Number(process.argv[process.argv.indexOf('--calls') + 1]) || 40;
const APPS = 1_000;

const database = await createDatabase({ memory: true });
await migrate(database as any, migrations);
const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'silent' });
const app = await buildApp({ config, database: database as any });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const registered = (await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'Bench', name: 'B', email: 'ana@example.test', password: 'correct horse battery staple' } })).json();
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
  spec: '{}',
  latest_version: '1.0.0',
  author_id: userId,
  rating_avg: (i % 50) / 10,
  rating_count: i % 7,
  created_at: new Date(Date.now() - i * 60_000),
}));
await inBatches(apps, (batch) => any.insertInto('apps').values(batch).execute());
const clients = Array.from({ length: 20 }, (_, i) => ({ id: randomUUID(), org_id: orgId, name: `agent-${i}`, client_id: `bench-${i}`, secret_hash: 'x' }));
await any.insertInto('agent_clients').values(clients).execute();
const agents = clients.map((c, i) => ({ id: randomUUID(), org_id: orgId, user_id: userId, client_row_id: c.id, name: c.name, hostname: `host-${i}`, os: 'linux', mailbox: `agent-${i}@example.test` }));
await any.insertInto('agents').values(agents).execute();
const deployments = Array.from({ length: 2 * APPS }, (_, i) => ({ id: randomUUID(), org_id: orgId, agent_id: agents[i % agents.length]!.id, app_id: apps[i % APPS]!.id, app: `app-${i % APPS}`, version: `1.0.${Math.floor(i / APPS)}`, state: i % 5 === 0 ? 'unhealthy' : 'healthy', updated_at: new Date() }));
await inBatches(deployments, (batch) => any.insertInto('deployments').values(batch).execute());
const seedMs = performance.now() - seedStarted;

async function timed(path: string): Promise<{ p50: number; p95: number; body: any }> {
  const headers = { authorization: `Bearer ${token}` };
  let body: any;
  for (let i = 0; i < 3; i++) body = await (await fetch(`${url}${path}`, { headers })).json(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    const response = await fetch(`${url}${path}`, { headers });
    body = await response.json();
    if (response.status !== 200) throw new Error(`${path} → ${response.status} ${JSON.stringify(body)}`);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length / 2)]!, p95: samples[Math.floor(samples.length * 0.95)]!, body };
}

const baseline = await timed('/api/v1/auth/me');
console.log(`seeded            ${APPS} apps, ${deployments.length} deployments on ${agents.length} agents in ${(seedMs / 1000).toFixed(1)} s`);
console.log(`GET /auth/me      p50 ${baseline.p50.toFixed(1)} ms  p95 ${baseline.p95.toFixed(1)} ms  (${calls} sequential calls)`);
for (const [name, path] of [
  ['newest', '/api/v1/apps?limit=50'],
  ['installs', '/api/v1/apps?limit=50&sort=installs'],
  ['rating', '/api/v1/apps?limit=50&sort=rating'],
  ['search', '/api/v1/apps?limit=50&q=invoices'],
] as const) {
  const result = await timed(path);
  const first = result.body.items[0];
  console.log(`apps ${name.padEnd(9)}    p50 ${result.p50.toFixed(1)} ms  p95 ${result.p95.toFixed(1)} ms  ${(result.p50 / baseline.p50).toFixed(1)}× /auth/me   (${result.body.items.length} of ${result.body.total}; first: installs ${first?.installs}, health ${JSON.stringify(first?.health)})`);
}

await app.close();
await database.close();
