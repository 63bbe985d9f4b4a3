import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/composition/app.js';
import { openRuntime } from '../src/composition/runtime.js';
import type { Db } from '../src/db/schema.js';
import { callTool, seedMcpOrg, type McpOrg } from './mcp-fixture.js';
import { TEST_SECRET } from './helper.js';

/**
 * `marketplace mcp` as an MCP client starts it: a child process on the embedded database, speaking
 * MCP on stdio as the owner of MARKETPLACE_API_KEY; driven by the SDK's client and the MCP Inspector CLI.
 */
const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/marketplace.js', import.meta.url));
const inspector = fileURLToPath(new URL('../../../node_modules/.bin/mcp-inspector-cli', import.meta.url));
let dataDir: string;
let env: Record<string, string>;
let a: McpOrg;
let b: McpOrg;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mcp-stdio-'));
  env = { NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, DATA_DIR: dataDir, LOG_LEVEL: 'warn', SMTP_LISTEN_PORT: '0', PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dataDir };
  // The embedded database opens in one process at a time: seed it, close it, then the child opens it.
  const runtime = await openRuntime({ env });
  const app = await buildApp({ config: runtime.config, database: runtime.database });
  await app.ready();
  a = await seedMcpOrg(app, runtime.database.db as Db, 'Org A', 'laptops');
  b = await seedMcpOrg(app, runtime.database.db as Db, 'Org B', 'b-secret-payroll');
  await app.close();
  await runtime.close();
}, 120_000);
afterAll(async () => rm(dataDir, { recursive: true, force: true }));

async function withClient<T>(key: string, use: (client: Client) => Promise<T>): Promise<T> {
  // Builds stay queued (`--jobs queue`): this suite checks the tools, pipeline.test.ts the pipeline.
  const transport = new StdioClientTransport({ command: process.execPath, args: [bin, 'mcp', '--jobs', 'queue'], env: { ...env, MARKETPLACE_API_KEY: key }, stderr: 'pipe' });
  const client = new Client({ name: 'mcp-stdio-test', version: '1.0.0' });
  // the child starts tsx, opens and migrates the database before it answers `initialize`
  await client.connect(transport, { timeout: 180_000 });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

describe('marketplace mcp (stdio)', () => {
  it('searches, builds, shows the build’s status and distributes, as the key’s owner', async () => {
    await withClient(a.key, async (client) => {
      const found = await callTool(client, 'search_catalog', { q: 'laptops' });
      expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([a.appId]);
      const built = await callTool(client, 'build_app', { spec: { specVersion: 1, name: 'monitors', title: 'Monitors', summary: 'Tracks monitors', kind: 'api-service', entities: [{ name: 'monitor', fields: [{ name: 'serial', type: 'string', required: true }] }] } });
      expect(built.ok, JSON.stringify(built.body)).toBe(true);
      const status = await callTool(client, 'request_status', { id: built.body.id });
      expect(status.body).toMatchObject({ id: built.body.id, state: 'queued', source: 'mcp', spec: { name: 'monitors' } });
      const sent = await callTool(client, 'distribute_version', { id: a.appId, version: '1.0.0' });
      expect(sent.body.deliveries).toEqual([expect.objectContaining({ agentId: a.agentId, state: 'queued' })]);
      // B's app is not there for A's key
      const foreign = await callTool(client, 'show_app', { id: b.appId });
      expect(foreign.body.code).toBe('NOT_FOUND');
      expect(JSON.stringify((await callTool(client, 'search_catalog', {})).body)).not.toContain(b.appName);
    });
  }, 300_000);

  it('refuses to start without a valid API key, saying which variable to set', async () => {
    const [missing, wrong] = await Promise.all([
      run(process.execPath, [bin, 'mcp'], { env }).catch((error: { code: number; stderr: string }) => error),
      run(process.execPath, [bin, 'mcp'], { env: { ...env, MARKETPLACE_API_KEY: 'mpk_wrong_wrongwrongwrong' } }).catch((error: { code: number; stderr: string }) => error),
    ]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('Set MARKETPLACE_API_KEY') });
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringMatching(/API key is (malformed|unknown)/) });
  }, 180_000);

  it('is usable from the MCP Inspector CLI: lists the tools and calls one', { timeout: 300_000 }, async () => {
    const target = ['--cli', process.execPath, bin, 'mcp', '--jobs', 'queue'];
    const childEnv = { ...process.env, ...env, MARKETPLACE_API_KEY: a.key };
    // inspector-cli 1.0.3 looks for its package.json at ../package.json relative to the working directory (and imports it relative to itself): start it where that exists.
    const cwd = fileURLToPath(new URL('.', import.meta.url));
    const listed = await run(inspector, [...target, '--method', 'tools/list'], { env: childEnv, cwd });
    expect(JSON.parse(listed.stdout.slice(listed.stdout.indexOf('{'))).tools.map((tool: { name: string }) => tool.name)).toContain('search_catalog');
    const called = await run(inspector, [...target, '--method', 'tools/call', '--tool-name', 'show_app', '--tool-arg', `id=${a.appId}`], { env: childEnv, cwd });
    const result = JSON.parse(called.stdout.slice(called.stdout.indexOf('{')));
    expect(result.structuredContent).toMatchObject({ id: a.appId, name: 'laptops', versions: [expect.objectContaining({ version: '1.0.0' })] });
  });
});
