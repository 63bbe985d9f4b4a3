import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyPrincipal, lookupApiKey } from '../src/modules/auth/api-key-principal.js';
import { createMcpServer } from '../src/modules/mcp/mcp-server.js';
import type { Db } from '../src/db/schema.js';
import { insertRequest } from '../src/modules/pipeline/pipeline-repository.js';
import { call, createPipelineApp } from './helper.js';
import { callTool, seedMcpOrg, type McpOrg } from './mcp-fixture.js';

/** The text of a resource's first content (resources here are JSON text, never blobs). */
const textOf = (result: { contents: ({ text: string } | { blob: string })[] }): string => {
  const first = result.contents[0]!;
  return 'text' in first ? first.text : '';
};

/**
 * The MCP endpoint driven by the official SDK's client over Streamable HTTP, on a listening server
 * with the pipeline's jobs running: the tools act as the API key's owner, in their organisation only.
 */
let env: Awaited<ReturnType<typeof createPipelineApp>>;
let url: string;
let a: McpOrg;
let b: McpOrg;
const clients: Client[] = [];

async function connect(key: string): Promise<Client> {
  const client = new Client({ name: 'mcp-http-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  clients.push(client);
  return client;
}

beforeAll(async () => {
  env = await createPipelineApp();
  const db = env.t.database.db as Db;
  a = await seedMcpOrg(env.t.app, db, 'Org A', 'laptops');
  b = await seedMcpOrg(env.t.app, db, 'Org B', 'b-secret-payroll');
  url = await env.t.app.listen({ host: '127.0.0.1', port: 0 });
}, 120_000);
afterAll(async () => {
  for (const client of clients) await client.close();
  await env?.close();
});

describe('MCP over Streamable HTTP', () => {
  it('asks for a bearer with a 401 that points to the protected-resource metadata', async () => {
    const response = await fetch(`${url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate')!;
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)![1]!;
    const metadata = await (await fetch(metadataUrl.replace(/^http:\/\/[^/]+/, url))).json();
    expect(metadata).toMatchObject({ resource: expect.stringMatching(/\/mcp$/), bearer_methods_supported: ['header'] });
    const bad = await fetch(`${url}/mcp`, { method: 'POST', headers: { authorization: 'Bearer mpk_not_a_key', 'content-type': 'application/json' }, body: '{}' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('answers malformed JSON-RPC with a client error, never a server error', async () => {
    const headers = { authorization: `Bearer ${a.key}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    for (const body of ['null', '"text"', '[]', '{}', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"show_app","arguments":"x"}}', '{"jsonrpc":"2.0"']) {
      const response = await fetch(`${url}/mcp`, { method: 'POST', headers, body });
      expect(response.status, body).toBeLessThan(500);
    }
    const unknownTool = await (await fetch(`${url}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'drop_tables', arguments: {} } }) })).json();
    expect(unknownTool.result).toMatchObject({ isError: true, structuredContent: { code: 'TOOL_NOT_FOUND' } });
    expect((await fetch(`${url}/mcp`, { headers })).status).toBe(405);
  });

  it('searches, builds, follows the build until published and distributes it, as the key’s owner', async () => {
    const client = await connect(a.key);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['build_app', 'describe_app', 'distribute_version', 'list_deployments', 'remove_deployment', 'request_status', 'rollback_deployment', 'search_catalog', 'show_app']);
    expect(tools.find((tool) => tool.name === 'search_catalog')!.inputSchema.properties).toHaveProperty('q');

    const found = await callTool(client, 'search_catalog', { q: 'laptops' });
    expect(found.body.items.map((item: { name: string }) => item.name)).toEqual(['laptops']);

    const built = await callTool(client, 'build_app', { text: 'I need a REST API to track monitors: serial number, owner e-mail, purchase date and status (in use, spare, broken). Protect it with an API key.' });
    expect(built.ok, JSON.stringify(built.body)).toBe(true);
    let status = await callTool(client, 'request_status', { id: built.body.id });
    expect(status.body).toMatchObject({ id: built.body.id, source: 'mcp', spec: { name: expect.any(String) } });
    expect(status.body.steps.map((step: { name: string }) => step.name)).toEqual(['generate', 'validate', 'package', 'scan', 'sign', 'publish']);
    for (const started = Date.now(); !['published', 'failed'].includes(status.body.state) && Date.now() - started < 150_000; ) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = await callTool(client, 'request_status', { id: built.body.id });
    }
    expect(status.body.state, JSON.stringify(status.body.steps)).toBe('published');

    const shown = await callTool(client, 'show_app', { id: status.body.appId });
    expect(shown.body.versions[0]).toMatchObject({ version: status.body.version, validation: { ok: true }, scan: { verdict: expect.any(String) } });

    const sent = await callTool(client, 'distribute_version', { id: status.body.appId, version: status.body.version, agentIds: [a.agentId] });
    expect(sent.ok, JSON.stringify(sent.body)).toBe(true);
    expect(sent.body.deliveries).toEqual([expect.objectContaining({ agentId: a.agentId })]);

    // the same actions are in the audit log, marked as MCP calls
    const audit = (await call(env.t.app, a.admin, { method: 'GET', url: '/api/v1/audit?limit=20' })).json().items;
    const mcpEntries = audit.filter((entry: { details: { channel?: string } }) => entry.details.channel === 'mcp').map((entry: { action: string }) => entry.action);
    expect(mcpEntries).toEqual(expect.arrayContaining(['request.create', 'release.distribute']));
  }, 180_000);

  it('answers invalid input and refusals as tool errors carrying the REST problem code', async () => {
    const client = await connect(a.key);
    const invalid = await callTool(client, 'request_status', { id: 'not-a-uuid' });
    expect(invalid).toMatchObject({ ok: false, body: { code: 'VALIDATION_FAILED', status: 400 } });
    const badSpec = await callTool(client, 'build_app', { spec: { specVersion: 1, name: 'Bad Name', title: 't', summary: 's', kind: 'api-service' } });
    expect(badSpec.body).toMatchObject({ code: 'SPEC_INVALID', status: 422 });
    const reviewer = await connect(a.reviewerKey);
    expect((await callTool(reviewer, 'build_app', { text: 'I need a REST API to track monitors with serial numbers.' })).body).toMatchObject({ code: 'ROLE_REQUIRED', status: 403 });
    expect((await callTool(reviewer, 'distribute_version', { id: a.appId, version: '1.0.0', all: true })).body.code).toBe('ROLE_REQUIRED');
    expect((await callTool(reviewer, 'search_catalog', { q: 'laptops' })).body.total).toBe(1);
    const turn = await callTool(client, 'describe_app', { text: 'I need a form for expense claims' });
    expect(turn.body).toMatchObject({ conversationId: expect.any(String), spec: expect.any(Object), questions: expect.any(Array) });
    const deployments = await callTool(client, 'list_deployments');
    expect(deployments.body.items.map((d: { id: string }) => d.id)).toEqual([a.deploymentId]);
    const rollback = await callTool(client, 'rollback_deployment', { id: a.deploymentId });
    expect(rollback.body.code).toBe('NO_EARLIER_VERSION');
  });

  it('offers the AppSpec schema, the apps’ specs and releases as resources, and the describe prompt', async () => {
    const client = await connect(a.key);
    const { resources } = await client.listResources();
    expect(resources[0]!.uri).toBe('marketplace://schemas/app-spec.json');
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining([`marketplace://apps/${a.appId}/spec`, `marketplace://apps/${a.appId}/versions/1.0.0/release`]));
    const schema = JSON.parse(textOf(await client.readResource({ uri: 'marketplace://schemas/app-spec.json' })));
    expect(schema.properties).toHaveProperty('kind');
    const spec = JSON.parse(textOf(await client.readResource({ uri: `marketplace://apps/${a.appId}/spec` })));
    expect(spec.name).toBe('laptops');
    const prompt = await client.getPrompt({ name: 'describe-internal-tool', arguments: { need: 'a tracker for loaner laptops' } });
    expect((prompt.messages[0]!.content as { text: string }).text).toContain('a tracker for loaner laptops');
  });

  it('shows a key of one organisation nothing of another, through any tool or resource', async () => {
    const client = await connect(a.key);
    const secrets = [b.appId, b.appName, b.versionId, b.deploymentId, b.agentId, b.admin.orgId];
    // B's build request, stored as the API stores it (the pipeline itself runs in the first test)
    const bRequestId = randomUUID();
    await insertRequest(env.t.database.db as Db, { id: bRequestId, orgId: b.admin.orgId, userId: b.admin.userId, source: 'api', text: null, spec: { name: 'b-secret-build' } });
    secrets.push(bRequestId);
    const asks: [string, Record<string, unknown>][] = [
      ['search_catalog', { q: 'payroll' }],
      ['search_catalog', {}],
      ['show_app', { id: b.appId }],
      ['request_status', { id: bRequestId }],
      ['distribute_version', { id: b.appId, version: '1.0.0' }],
      ['distribute_version', { id: a.appId, version: '1.0.0', agentIds: [b.agentId] }],
      ['list_deployments', {}],
      ['list_deployments', { appId: b.appId }],
      ['rollback_deployment', { id: b.deploymentId }],
      ['remove_deployment', { id: b.deploymentId }],
      ['describe_app', { conversationId: b.appId, text: 'hello' }],
    ];
    const answers = [];
    for (const [tool, args] of asks) {
      const answer = await callTool(client, tool, args);
      answers.push(answer);
      // nothing of B's beyond the ids the caller itself sent
      for (const secret of secrets.filter((secret) => !JSON.stringify(args).includes(secret))) expect(JSON.stringify(answer.body), `${tool} ${JSON.stringify(args)}`).not.toContain(secret);
    }
    expect(answers[1]!.body.items.map((item: { name: string }) => item.name)).not.toContain(b.appName);
    expect(answers[6]!.body.items.map((item: { id: string }) => item.id)).not.toContain(b.deploymentId);
    expect(answers[7]!.body.items).toEqual([]);
    expect(answers[2]!.body.code).toBe('NOT_FOUND');
    expect(answers[3]!.body.code).toBe('NOT_FOUND');
    expect(answers[4]!.body.code).toBe('NOT_FOUND');
    expect(answers[5]!.body.code).toBe('NO_RECIPIENTS');
    expect(answers[10]!.body.code).toBe('NOT_FOUND');
    expect(answers[8]!.body.code).toBe('NOT_FOUND');
    expect(answers[9]!.body.code).toBe('NOT_FOUND');
    const { resources } = await client.listResources();
    expect(JSON.stringify(resources)).not.toContain(b.appId);
    await expect(client.readResource({ uri: `marketplace://apps/${b.appId}/spec` })).rejects.toThrow(/no resource/);
    await expect(client.readResource({ uri: `marketplace://apps/${b.appId}/versions/1.0.0/release` })).rejects.toThrow(/no resource/);
  });

  it('keeps callers apart when their calls overlap (the servers answering them are reused)', async () => {
    const [clientA, clientB] = [await connect(a.key), await connect(b.key)];
    const asks = Array.from({ length: 16 }, (_, index) => (index % 2 === 0 ? { org: a, client: clientA } : { org: b, client: clientB }));
    const answers = await Promise.all(asks.map(async ({ org, client }) => ({ org, found: await callTool(client, 'search_catalog', {}), listed: await client.listResources() })));
    for (const { org, found, listed } of answers) {
      const other = org === a ? b : a;
      expect(found.body.items.map((item: { id: string }) => item.id)).toContain(org.appId);
      expect(JSON.stringify(found.body)).not.toContain(other.appId);
      expect(JSON.stringify(listed.resources)).toContain(org.appId);
      expect(JSON.stringify(listed.resources)).not.toContain(other.appId);
    }
  });

  it('is usable from the MCP Inspector CLI over HTTP: lists the tools and calls one', async () => {
    const run = promisify(execFile);
    const inspector = fileURLToPath(new URL('../../../node_modules/.bin/mcp-inspector-cli', import.meta.url));
    // inspector-cli 1.0.3 looks for its package.json at ../package.json relative to the working directory: start it where that exists.
    const cwd = fileURLToPath(new URL('.', import.meta.url));
    const target = ['--cli', `${url}/mcp`, '--transport', 'http', '--header', `Authorization: Bearer ${a.key}`];
    const listed = await run(inspector, [...target, '--method', 'tools/list'], { cwd });
    expect(JSON.parse(listed.stdout.slice(listed.stdout.indexOf('{'))).tools.map((tool: { name: string }) => tool.name)).toContain('distribute_version');
    const called = await run(inspector, [...target, '--method', 'tools/call', '--tool-name', 'search_catalog', '--tool-arg', 'q=laptops'], { cwd });
    expect(JSON.parse(called.stdout.slice(called.stdout.indexOf('{'))).structuredContent.items.map((item: { id: string }) => item.id)).toContain(a.appId);
  }, 60_000);

  it('proves a long-lived caller again: a revoked key stops working in the open session (as stdio uses it)', async () => {
    const app = env.t.app;
    const created = (await call(app, a.admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'short-lived', roles: ['member'] } })).json();
    const deps = { db: app.db, config: app.config, jobs: app.jobs, events: app.events, agents: app.agents, conversations: app.conversationServices, logger: pino({ level: 'silent' }) };
    const server = createMcpServer(deps, async () => ({ principal: await apiKeyPrincipal(created.key, (prefix) => lookupApiKey(app.db, prefix)), requestId: randomUUID(), ip: null }));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'in-memory', version: '1.0.0' });
    await client.connect(clientSide);
    clients.push(client);
    expect((await callTool(client, 'search_catalog', { q: 'laptops' })).body.total).toBe(1);
    expect((await call(app, a.admin, { method: 'DELETE', url: `/api/v1/api-keys/${created.id}` })).statusCode).toBe(204);
    expect(await callTool(client, 'search_catalog', { q: 'laptops' })).toMatchObject({ ok: false, body: { code: 'API_KEY_INVALID', status: 401 } });
  });
});
