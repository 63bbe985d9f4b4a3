/**
 * GET /api/v1/auth/me throughput and p99 at 32 connections, against a bare Fastify route measured
 * in the same run on the same machine. Goal: ratio ≥ 0.5.
 *   node --import tsx bench/server-auth-me.ts [--seconds 10]
 */
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { createDatabase, migrate } from '@marketplace/db';
import { buildApp } from '../apps/server/src/composition/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { migrations } from '../apps/server/src/composition/migrations.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 10;

async function load(url: string, headers: Record<string, string> = {}) {
  const result = await autocannon({ url, connections: 32, duration: seconds, headers });
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

const bare = Fastify();
bare.get('/me', async () => ({ user: { id: '1', email: 'ana@example.test' }, organization: { id: '1' }, roles: ['admin'] }));
const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

const database = await createDatabase({ memory: true });
await migrate(database as any, migrations);
const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'silent' });
const app = await buildApp({ config, database: database as any });
const appUrl = await app.listen({ port: 0, host: '127.0.0.1' });
const registered = await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'Bench', name: 'B', email: 'ana@example.test', password: 'correct horse battery staple' } });
const token = registered.json().token as string;

await load(`${bareUrl}/me`); // warm-up both
const baseline = await load(`${bareUrl}/me`);
await load(`${appUrl}/api/v1/auth/me`, { authorization: `Bearer ${token}` });
const measured = await load(`${appUrl}/api/v1/auth/me`, { authorization: `Bearer ${token}` });

console.log(`bare fastify      ${baseline.rps.toFixed(0)} req/s  p99 ${baseline.p99} ms`);
console.log(`GET /auth/me      ${measured.rps.toFixed(0)} req/s  p99 ${measured.p99} ms  (non-2xx ${measured.non2xx}, errors ${measured.errors})`);
console.log(`ratio             ${(measured.rps / baseline.rps).toFixed(2)} (goal ≥ 0.5)`);

await app.close();
await bare.close();
await database.close();
