/**
 * Built-in conversation engine: messages per second for a 5-turn conversation through the HTTP
 * API (POST /api/v1/conversations + 4 messages, in-process with app.inject, on PGlite), against the
 * bare rules engine (extractSpec + continueSpec) over the same 5 turns in the same run.
 *   node --import tsx bench/conversations-engine.ts [--seconds 5]
 */
import { performance } from 'node:perf_hooks';
import { createDatabase, migrate } from '@marketplace/db';
import { continueSpec, extractSpec } from '@marketplace/spec';
import { buildApp } from '../apps/server/src/composition/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { migrations } from '../apps/server/src/composition/migrations.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 5;
const TURNS = [
  'I need a form for vacation requests',
  'fields: name, start date, end date, reason',
  'actually, call it Leave requests',
  'list apps like vacation',
  'status of my request',
];

function bare(): number {
  let messages = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    let result = extractSpec(TURNS[0]!);
    for (const text of TURNS.slice(1)) result = continueSpec(result.spec, text);
    messages += TURNS.length;
  }
  return messages / seconds;
}

const database = await createDatabase({ memory: true });
await migrate(database as any, migrations);
const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent-bench' });
const app = await buildApp({ config, database: database as any });
await app.ready();
const registered = await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'Bench', name: 'B', email: 'ana.user@example.test', password: 'correct horse battery staple' } });
if (registered.statusCode !== 201) throw new Error(`register failed: ${registered.body}`);
const headers = { authorization: `Bearer ${registered.json().token as string}` };

async function http(): Promise<{ rate: number; p50: number; p99: number; failed: number }> {
  let messages = 0;
  let failed = 0;
  const times: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    let t0 = performance.now();
    const created = await app.inject({ method: 'POST', url: '/api/v1/conversations', headers, payload: { text: TURNS[0] } });
    times.push(performance.now() - t0);
    if (created.statusCode !== 201 && failed++ === 0) console.error(created.statusCode, created.body.slice(0, 300));
    const id = created.json().id as string;
    for (const text of TURNS.slice(1)) {
      t0 = performance.now();
      const response = await app.inject({ method: 'POST', url: `/api/v1/conversations/${id}/messages`, headers, payload: { text } });
      times.push(performance.now() - t0);
      if (response.statusCode !== 200) failed++;
    }
    messages += TURNS.length;
  }
  times.sort((a, b) => a - b);
  return { rate: messages / ((performance.now() - start) / 1000), p50: times[Math.floor(times.length / 2)]!, p99: times[Math.floor(times.length * 0.99)]!, failed };
}

bare(); // warm up the rules engine
const engineRate = bare();
const api = await http();
console.log(`5-turn conversation, ${seconds} s each, built-in engine`);
console.log(`bare engine (extractSpec/continueSpec): ${engineRate.toFixed(0)} messages/s`);
console.log(`HTTP API (inject, PGlite, similar-apps + intents + storage): ${api.rate.toFixed(0)} messages/s, p50 ${api.p50.toFixed(1)} ms, p99 ${api.p99.toFixed(1)} ms, failed ${api.failed}`);
console.log(`ratio API / bare engine: ${(api.rate / engineRate).toFixed(3)}`);
await app.close();
await database.close();
