/**
 * An MCP tool call's round trip against the same REST call, same run, taking turns: search_catalog
 * through the official SDK client over Streamable HTTP (POST /mcp) and GET /api/v1/apps?q= with the
 * same API key, on PGlite seeded with 300 apps. Goal: MCP p50 ≤ 1.5 × REST p50.
 *   node --import tsx bench/mcp-tool-call.ts [--runs 60]
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createDatabase, migrate } from '@marketplace/db';
import { buildApp } from '../apps/server/src/composition/app.js';
import { loadConfig } from '../apps/server/src/config/config.js';
import { migrations } from '../apps/server/src/composition/migrations.js';
import type { Db } from '../apps/server/src/db/schema.js';
import { alternateRuns, wholeNumberOption } from './alternate-runs.js';

const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? wholeNumberOption('runs', process.argv[runsFlag + 1], 10_000) : 60;
const APPS = 300;

const database = await createDatabase({ memory: true });
await migrate(database as any, migrations);
const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'silent' });
const app = await buildApp({ config, database: database as any });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const registered = (await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { organization: 'Bench', name: 'B', email: 'ana@example.test', password: 'correct horse battery staple' } })).json();
const key = (await app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${registered.token}` }, payload: { name: 'bench', roles: ['member'] } })).json().key as string;
const db = database.db as unknown as Db;
const subjects = ['laptops', 'monitors', 'expenses', 'rooms', 'visitors', 'licences'];
await db
  .insertInto('apps')
  .values(Array.from({ length: APPS }, (_, index) => {
    const subject = subjects[index % subjects.length]!;
    return { id: randomUUID(), org_id: registered.organization.id, name: `${subject}-${index}`, title: `${subject} tracker ${index}`, summary: `Tracks ${subject} for team ${index}`, kind: 'form-app' as const, tags: [subject], spec: '{}', latest_version: '1.0.0', author_id: registered.user.id };
  }))
  .execute();

const client = new Client({ name: 'bench', version: '1.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));

let mcpItems = 0;
let restItems = 0;
const mcp = async () => {
  const result = await client.callTool({ name: 'search_catalog', arguments: { q: 'monitors' } });
  if (result.isError) throw new Error(`search_catalog failed: ${JSON.stringify(result.structuredContent)}`);
  mcpItems = (result.structuredContent as { total: number }).total;
};
const rest = async () => {
  const response = await fetch(`${url}/api/v1/apps?q=monitors`, { headers: { authorization: `Bearer ${key}` } });
  if (!response.ok) throw new Error(`GET /apps failed: ${response.status}`);
  restItems = ((await response.json()) as { total: number }).total;
};

// CPU per call (client and server share this process) is steadier than wall time on a busy machine.
const cpuMicros = [0, 0];
const counted = (task: () => Promise<void>, slot: number) => async () => {
  const start = process.cpuUsage();
  await task();
  const used = process.cpuUsage(start);
  cpuMicros[slot]! += used.user + used.system;
};
const [mcpMs, restMs] = await alternateRuns([counted(mcp, 0), counted(rest, 1)], runs);
const [mcpCpu, restCpu] = cpuMicros.map((micros) => micros / (runs + 1) / 1000);
if (mcpItems !== restItems) throw new Error(`MCP found ${mcpItems} apps, REST ${restItems}`);
const ratio = mcpMs! / restMs!;
console.log(`GET /api/v1/apps?q=       p50 ${restMs!.toFixed(2)} ms  (${restItems} of ${APPS} apps)  CPU ${restCpu!.toFixed(2)} ms/call`);
console.log(`MCP tools/call search     p50 ${mcpMs!.toFixed(2)} ms  CPU ${mcpCpu!.toFixed(2)} ms/call (CPU ratio ${(mcpCpu! / restCpu!).toFixed(2)})`);
console.log(`ratio                     ${ratio.toFixed(2)} (goal ≤ 1.5; ${runs} runs each, alternating)`);

await client.close();
await app.close();
await database.close();
if (ratio > 1.5) process.exit(1);
