/**
 * GET /api/v1/auth/me throughput and p99 against a bare Fastify route answering the same JSON,
 * the load generator (autocannon) in its own process, the targets taking turns in rotating order.
 * The server logs as it does in production (LOG_LEVEL unset with NODE_ENV=production: warn), and is
 * also measured with no logger and with info-level request logs (to /dev/null) to show what logging
 * costs. Goals: ratio ≥ 0.5; production logging ≤ 5 %.
 *   node --import tsx bench/server-auth-me.ts [--seconds 3] [--rounds 3]
 */
import Fastify from 'fastify';
import pino from 'pino';
import { parseArgs } from 'node:util';
import { createDatabase, migrate } from '@marketplace/db';
import { buildApp } from '../apps/server/src/composition/app.js';
import { createLogger } from '../apps/server/src/composition/logger.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { migrations } from '../apps/server/src/composition/migrations.js';
import { wholeNumberOption } from './alternate-runs.js';
import { alternateLoad, figuresLine, type LoadFigures } from './load-generator.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' }, rounds: { type: 'string', default: '3' } } });
const seconds = wholeNumberOption('seconds', values.seconds, 600);
const rounds = wholeNumberOption('rounds', values.rounds, 100);

const env = { NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', RATE_LIMIT_PER_MINUTE: '1000000' };
const config = loadConfig(env);
const database = await createDatabase({ memory: true });
await migrate(database as any, migrations);

const production = await buildApp({ config, database: database as any, logger: createLogger(config).child({ component: 'http' }) });
const unlogged = await buildApp({ config, database: database as any });
const infoLogs = await buildApp({ config, database: database as any, logger: createLogger({ logLevel: 'info' }, 'marketplace', pino.destination({ dest: '/dev/null', sync: false })).child({ component: 'http' }) });
const registered = await production.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'Bench', name: 'B', email: 'ana@example.test', password: 'correct horse battery staple' } });
const token = registered.json().token as string;
const me = (await production.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } })).json();

const bare = Fastify();
bare.get('/me', async () => me);

const listen = (app: { listen(options: { port: number; host: string }): Promise<string> }) => app.listen({ port: 0, host: '127.0.0.1' });
const auth = { authorization: `Bearer ${token}` };
const targets = [
  { name: 'bare fastify (same JSON)', url: `${await listen(bare)}/me` },
  { name: `GET /auth/me, log level ${config.logLevel}`, url: `${await listen(production)}/api/v1/auth/me`, headers: auth },
  { name: 'GET /auth/me, no logger', url: `${await listen(unlogged)}/api/v1/auth/me`, headers: auth },
  { name: 'GET /auth/me, info logs to /dev/null', url: `${await listen(infoLogs)}/api/v1/auth/me`, headers: auth },
];
const figures = await alternateLoad(targets, { rounds, seconds });
const [baseline, measured, noLogger, info] = targets.map((target) => figures.get(target.name)!) as [LoadFigures, LoadFigures, LoadFigures, LoadFigures];

console.log(`autocannon in its own process, 16 connections, ${rounds} rounds of ${seconds} s per target, median req/s:`);
for (const [index, target] of targets.entries()) console.log(figuresLine(target.name, figures.get(target.name)!, index ? baseline : undefined));
const ratio = measured.rps / baseline.rps;
const loggingCost = 1 - measured.rps / noLogger.rps;
console.log(`ratio /auth/me ÷ bare        ${ratio.toFixed(2)}   (goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'missed'})`);
console.log(`production logging costs     ${(loggingCost * 100).toFixed(1)} %   (goal ≤ 5 %: ${loggingCost <= 0.05 ? 'met' : 'missed'}; info-level request logs cost ${((1 - info.rps / noLogger.rps) * 100).toFixed(1)} %)`);

await Promise.all([production.close(), unlogged.close(), infoLogs.close(), bare.close()]);
await database.close();
