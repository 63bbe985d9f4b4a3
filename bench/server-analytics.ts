/**
 * GET /api/v1/analytics?period=90d on PGlite seeded with 10 000 requests (60 % published, 25 % failed),
 * their app versions, 1 000 deployments, 5 000 audit entries and 2 000 LLM calls over 90 days:
 * p50 and p95 latency of sequential calls, against GET /api/v1/auth/me measured in the same run.
 *   node --import tsx bench/server-analytics.ts [--calls 40]
 */
import { randomUUID } from 'node:crypto';
import { createDatabase, migrate } from '@marketplace/db';
import { buildApp } from '../apps/server/src/composition/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { migrations } from '../apps/server/src/composition/migrations.js';
import type { Db } from '../apps/server/src/db/schema.js';

const calls = Number(process.argv[process.argv.indexOf('--calls') + 1]) || 40;
const DAY = 86_400_000;
const REQUESTS = 10_000;
const DEPLOYMENTS = 1_000;

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
const now = Date.now();
const at = (i: number, n: number) => new Date(now - Math.floor(((i + 0.5) / n) * 89 * DAY));
const kinds = ['api-service', 'web-dashboard', 'form-app', 'automation', 'data-tool'];
const apps = Array.from({ length: 100 }, (_, i) => ({ id: randomUUID(), org_id: orgId, name: `app-${i}`, title: `App ${i}`, summary: '', kind: kinds[i % kinds.length]!, tags: [], spec: '{}', latest_version: '1.0.0', author_id: userId }));
await inBatches(apps, (batch) => db.insertInto('apps').values(batch).execute());
const requests = Array.from({ length: REQUESTS }, (_, i) => {
  const created = at(i, REQUESTS);
  const state = i % 20 < 12 ? 'published' : i % 20 < 17 ? 'failed' : 'queued';
  return { id: randomUUID(), org_id: orgId, user_id: userId, source: 'api' as const, text: null, spec: '{}', state: state as 'published', created_at: created, updated_at: new Date(created.getTime() + 90_000) };
});
await inBatches(requests, (batch) => db.insertInto('requests').values(batch).execute());
const versions = requests
  .filter((r) => r.state === 'published')
  .map((r, i) => ({ id: randomUUID(), app_id: apps[i % apps.length]!.id, org_id: orgId, version: `1.0.${Math.floor(i / apps.length)}`, request_id: r.id, spec: '{}', manifest: '{}', bundle_sha256: 'x', bundle_size: 1, key_id: 'k', release_json: '{}', validation_report: '{}', scan_report: '{}', published_at: new Date(r.created_at.getTime() + 30_000 + (i % 120) * 1000) }));
await inBatches(versions, (batch) => db.insertInto('app_versions').values(batch).execute());
const clients = Array.from({ length: 10 }, (_, i) => ({ id: randomUUID(), org_id: orgId, name: `agent-${i}`, client_id: `bench-${i}`, secret_hash: 'x' }));
await any.insertInto('agent_clients').values(clients).execute();
const agents = clients.map((c, i) => ({ id: randomUUID(), org_id: orgId, user_id: userId, client_row_id: c.id, name: c.name, hostname: `host-${i}`, os: 'linux', mailbox: `agent-${i}@example.test` }));
await any.insertInto('agents').values(agents).execute();
const states = ['healthy', 'healthy', 'healthy', 'unhealthy', 'rolled-back', 'rejected'];
const deployments = Array.from({ length: DEPLOYMENTS }, (_, i) => ({ id: randomUUID(), org_id: orgId, agent_id: agents[i % agents.length]!.id, app_id: apps[i % apps.length]!.id, app: `app-${i % apps.length}`, version: `1.0.${Math.floor(i / agents.length)}`, state: states[i % states.length], updated_at: at(i, DEPLOYMENTS) }));
await inBatches(deployments, (batch) => any.insertInto('deployments').values(batch).execute());
const audit = Array.from({ length: 5_000 }, (_, i) => ({ id: randomUUID(), chain: 'bench', seq: i + 1, org_id: orgId, at: at(i, 5_000), actor_type: 'user', actor_id: userId, action: 'request.create', result: 'success', details: '{}', prev_hash: 'x', hash: 'x' }));
await inBatches(audit, (batch) => db.insertInto('audit_log').values(batch as never).execute());
const usage = Array.from({ length: 2_000 }, (_, i) => ({ id: randomUUID(), org_id: orgId, user_id: userId, conversation_id: null, app_id: null, task: 'spec', provider: 'openai', model: 'gpt', input_tokens: 500, output_tokens: 200, cost_usd: 0.002, latency_ms: 900, cache_hit: false, outcome: 'ok', error_code: null, at: at(i, 2_000) }));
await inBatches(usage, (batch) => db.insertInto('llm_usage').values(batch).execute());
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
const analytics = await timed('/api/v1/analytics?period=90d');
const week = await timed('/api/v1/analytics?period=7d');
const totals = analytics.body.totals;

console.log(`seeded            ${REQUESTS} requests, ${versions.length} versions, ${DEPLOYMENTS} deployments, ${audit.length} audit entries, ${usage.length} LLM calls in ${(seedMs / 1000).toFixed(1)} s`);
console.log(`read back (90d)   requests ${totals.requests}, published ${totals.published}, failed ${totals.failed}, deployments ${totals.deployments}, llmCalls ${totals.llmCalls}, buckets ${analytics.body.series.requests.length}`);
console.log(`GET /auth/me      p50 ${baseline.p50.toFixed(1)} ms  p95 ${baseline.p95.toFixed(1)} ms  (${calls} sequential calls)`);
console.log(`analytics 90d     p50 ${analytics.p50.toFixed(1)} ms  p95 ${analytics.p95.toFixed(1)} ms`);
console.log(`analytics 7d      p50 ${week.p50.toFixed(1)} ms  p95 ${week.p95.toFixed(1)} ms`);
console.log(`ratio             90d p50 / me p50 = ${(analytics.p50 / baseline.p50).toFixed(1)}×`);

await app.close();
await database.close();
