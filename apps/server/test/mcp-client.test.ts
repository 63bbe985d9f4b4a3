import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobQueue } from '@marketplace/db';
import type { Db } from '../src/db/schema.js';
import { createLocalEventBus } from '../src/modules/events/event-bus.js';
import { submitRequest } from '../src/modules/pipeline/request-service.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { freePort } from './free-port.js';
import { startHttpExample } from './mcp-example-server.js';

/**
 * The MCP client against real MCP servers: the SDK's own example server (simpleStreamableHttp) over
 * Streamable HTTP, and a fixture McpServer of the SDK over stdio, both started as child processes.
 */
const stdioServer = fileURLToPath(new URL('./mcp-client-stdio-server.mjs', import.meta.url));

/** One app with HTTP servers on loopback and stdio servers allowed (and a small answer limit), one with the defaults. */
let t: TestApp;
let strict: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { MCP_ALLOW_PRIVATE_TARGETS: 'true', MCP_STDIO_SERVERS: 'allow', MCP_MAX_OUTPUT_BYTES: '20000' } });
  strict = await createTestApp();
}, 180_000);
afterAll(async () => {
  await t?.close();
  await strict?.close();
});

const auditOf = (db: Db, orgId: string) => db.selectFrom('audit_log').selectAll().where('org_id', '=', orgId).where('action', '=', 'mcp.tool.call').orderBy('seq').execute();

describe('MCP servers over Streamable HTTP (the SDK example server)', () => {
  let example: { url: string; child: ChildProcess };
  let admin: Account;

  beforeAll(async () => {
    example = await startHttpExample();
    admin = await register(t.app, { organization: 'Acme' });
  }, 120_000);
  afterAll(() => {
    example?.child.kill();
  });

  it('refuses a loopback URL unless MCP_ALLOW_PRIVATE_TARGETS is set, and a URL with a password', async () => {
    const other = await register(strict.app);
    const refused = await call(strict.app, other, { method: 'POST', url: '/api/v1/mcp-servers', payload: { name: 'local', transport: 'http', url: example.url } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'MCP_TARGET_REFUSED', detail: expect.stringContaining('MCP_ALLOW_PRIVATE_TARGETS=true') });
    const metadata = await call(t.app, admin, { method: 'POST', url: '/api/v1/mcp-servers', payload: { name: 'meta', transport: 'http', url: 'http://169.254.169.254/mcp' } });
    expect(metadata.json().code).toBe('MCP_TARGET_REFUSED');
    const withPassword = await call(t.app, admin, { method: 'POST', url: '/api/v1/mcp-servers', payload: { name: 'pw', transport: 'http', url: 'https://user:pw@mcp.example.com/mcp' } });
    expect(withPassword.json().code).toBe('MCP_URL_INVALID');
  });

  it('registers, tests, and calls a tool; header credentials are sealed and never returned; conversations wait for the policy', async () => {
    const created = await call(t.app, admin, {
      method: 'POST', url: '/api/v1/mcp-servers',
      payload: { name: 'sdk-example', transport: 'http', url: example.url, secrets: { Authorization: 'Bearer very-secret-token-1' }, allowedTools: ['greet'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const server = created.json();
    expect(server).toMatchObject({ name: 'sdk-example', transport: 'http', secretNames: ['Authorization'], allowedTools: ['greet'], enabled: true });
    expect(created.body).not.toContain('very-secret-token-1');
    const db = t.database.db as Db;
    const row = await db.selectFrom('mcp_servers').selectAll().where('id', '=', server.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('very-secret-token-1');
    expect(row.secrets_sealed).toMatch(/^v1\./);

    const tested = (await call(t.app, admin, { method: 'POST', url: `/api/v1/mcp-servers/${server.id}/test` })).json();
    expect(tested.ok, JSON.stringify(tested)).toBe(true);
    expect(tested.tools).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'greet', description: 'A simple greeting tool', allowed: true }), expect.objectContaining({ name: 'multi-greet', allowed: false })]));

    const greeted = await call(t.app, admin, { method: 'POST', url: `/api/v1/mcp-servers/${server.id}/tools/greet/call`, payload: { arguments: { name: 'Ada' } } });
    expect(greeted.statusCode, greeted.body).toBe(200);
    expect(greeted.json()).toMatchObject({ isError: false, content: [{ type: 'text', text: 'Hello, Ada!' }] });

    const notAllowed = await call(t.app, admin, { method: 'POST', url: `/api/v1/mcp-servers/${server.id}/tools/multi-greet/call`, payload: { arguments: { name: 'Ada' } } });
    expect(notAllowed.statusCode).toBe(403);
    expect(notAllowed.json().code).toBe('MCP_TOOL_NOT_ALLOWED');

    // The conversation engine's calls obey the organisation's policy: none allowed until an admin lists the tool.
    const asConversation = { orgId: admin.orgId, actorType: 'system' as const, actorId: null, purpose: 'conversation' as const };
    await expect(t.app.mcpClient.call(asConversation, { name: 'sdk-example' }, 'greet', { name: 'Bo' })).rejects.toMatchObject({ code: 'MCP_POLICY_REFUSED', status: 403 });
    const policy = await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { mcpConversationTools: ['sdk-example/greet'] } } } });
    expect(policy.statusCode, policy.body).toBe(200);
    const answer = await t.app.mcpClient.call(asConversation, { name: 'sdk-example' }, 'greet', { name: 'Bo' });
    expect(answer.content).toEqual([{ type: 'text', text: 'Hello, Bo!' }]);
    await expect(t.app.mcpClient.call({ ...asConversation, purpose: 'automation' }, { name: 'sdk-example' }, 'greet', { name: 'Bo' })).rejects.toMatchObject({ code: 'MCP_POLICY_REFUSED' });

    const entries = await auditOf(db, admin.orgId);
    expect(entries.map((e) => [e.result, e.details.purpose, e.details.tool, e.details.outcome])).toEqual([
      ['success', 'trial', 'greet', 'ok'],
      ['denied', 'trial', 'multi-greet', 'denied'],
      ['denied', 'conversation', 'greet', 'denied'],
      ['success', 'conversation', 'greet', 'ok'],
      ['denied', 'automation', 'greet', 'denied'],
    ]);
    expect(entries[0]).toMatchObject({ actor_type: 'user', actor_id: admin.userId, target_id: server.id, details: expect.objectContaining({ server: 'sdk-example', argumentNames: ['name'] }) });
    expect(JSON.stringify(entries)).not.toContain('Ada');

    const disabled = await call(t.app, admin, { method: 'PATCH', url: `/api/v1/mcp-servers/${server.id}`, payload: { enabled: false } });
    expect(disabled.json().enabled).toBe(false);
    expect((await call(t.app, admin, { method: 'POST', url: `/api/v1/mcp-servers/${server.id}/tools/greet/call`, payload: { arguments: { name: 'Ada' } } })).json().code).toBe('MCP_SERVER_DISABLED');
    const wrongKind = await call(t.app, admin, { method: 'PATCH', url: `/api/v1/mcp-servers/${server.id}`, payload: { command: '/bin/sh' } });
    expect(wrongKind.statusCode).toBe(422);
    expect(wrongKind.json().code).toBe('MCP_URL_INVALID');
    const cleared = (await call(t.app, admin, { method: 'PATCH', url: `/api/v1/mcp-servers/${server.id}`, payload: { secrets: {} } })).json();
    expect(cleared.secretNames).toEqual([]);
    expect((await db.selectFrom('mcp_servers').select('secrets_sealed').where('id', '=', server.id).executeTakeFirstOrThrow()).secrets_sealed).toBeNull();
  }, 120_000);

  it('refuses a request whose AppSpec names an MCP server the organisation has not registered', async () => {
    const db = t.database.db as Db;
    const mcpTools = [{ server: 'sdk-example', tool: 'greet', use: 'source' }, { server: 'nowhere', tool: 'create_issue', use: 'output' }];
    const spec = { specVersion: 1, name: 'project-router', title: 'Project router', summary: 'Finds the project of each request', kind: 'automation', mcpTools };
    const jobs = { send: async () => { throw new Error('an unknown MCP server is refused before any job is queued'); } } as unknown as JobQueue;
    await expect(submitRequest({ db, events: createLocalEventBus(), jobs }, { orgId: admin.orgId, userId: admin.userId, source: 'api', text: null, spec })).rejects.toMatchObject({ code: 'MCP_SERVER_UNKNOWN', status: 422, message: expect.stringMatching(/registered: nowhere;/) });
    expect(await db.selectFrom('requests').select('id').where('org_id', '=', admin.orgId).execute()).toEqual([]);
  });

  it('answers a server that does not listen with ok=false and MCP_CONNECT_FAILED, and hides servers from other organisations', async () => {
    const port = await freePort();
    const gone = (await call(t.app, admin, { method: 'POST', url: '/api/v1/mcp-servers', payload: { name: 'gone', transport: 'http', url: `http://127.0.0.1:${port}/mcp` } })).json();
    const tested = (await call(t.app, admin, { method: 'POST', url: `/api/v1/mcp-servers/${gone.id}/test` })).json();
    expect(tested).toMatchObject({ ok: false, code: 'MCP_CONNECT_FAILED', tools: [] });
    // the failure as a code the UI words (the server's own English sentence beside it)
    expect(tested.notices).toEqual([{ code: 'mcpTest.connectFailed', params: { server: 'gone', detail: expect.any(String) } }]);
    expect(tested.message).toBe(`Cannot connect to the MCP server “gone”: ${tested.notices[0].params.detail}.`);
    const stranger = await register(t.app, { organization: 'Other' });
    expect((await call(t.app, stranger, { method: 'GET', url: `/api/v1/mcp-servers/${gone.id}` })).statusCode).toBe(404);
    expect((await call(t.app, stranger, { method: 'POST', url: `/api/v1/mcp-servers/${gone.id}/tools/greet/call`, payload: {} })).statusCode).toBe(404);
    expect((await call(t.app, stranger, { method: 'GET', url: '/api/v1/mcp-servers' })).json().items).toEqual([]);
    const strangerAudit = await auditOf(t.database.db as Db, stranger.orgId);
    expect(strangerAudit.map((e) => [e.result, e.target_id, e.details.code])).toEqual([['denied', null, 'NOT_FOUND']]);
    expect(JSON.stringify(strangerAudit)).not.toContain(gone.id);
  }, 120_000);
});

describe('MCP servers over stdio (a program this server starts)', () => {
  let admin: Account;

  beforeAll(async () => {
    admin = await register(t.app, { organization: 'Acme stdio' });
  });

  it('refuses stdio servers unless MCP_STDIO_SERVERS=allow', async () => {
    const someone = await register(strict.app);
    const refused = await call(strict.app, someone, { method: 'POST', url: '/api/v1/mcp-servers', payload: { name: 'tools', transport: 'stdio', command: process.execPath, args: [stdioServer] } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'MCP_STDIO_DISABLED', detail: expect.stringContaining('MCP_STDIO_SERVERS=allow') });
    expect((await call(strict.app, someone, { method: 'GET', url: '/api/v1/mcp-servers' })).json().stdioAllowed).toBe(false);
  });

  it('starts the command with its sealed environment, lists and calls tools, and refuses oversized answers', async () => {
    const created = await call(t.app, admin, {
      method: 'POST', url: '/api/v1/mcp-servers',
      payload: { name: 'jira', transport: 'stdio', command: process.execPath, args: [stdioServer], secrets: { FIXTURE_TOKEN: 'tok-stdio-secret-42' }, allowedTools: ['*'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const server = created.json();
    const listed = (await call(t.app, admin, { method: 'GET', url: '/api/v1/mcp-servers' })).body;
    expect(listed).toContain('FIXTURE_TOKEN');
    expect(listed).not.toContain('tok-stdio-secret-42');
    const row = await (t.database.db as Db).selectFrom('mcp_servers').selectAll().where('id', '=', server.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('tok-stdio-secret-42');

    const tested = (await call(t.app, admin, { method: 'POST', url: `/api/v1/mcp-servers/${server.id}/test` })).json();
    expect(tested.ok, JSON.stringify(tested)).toBe(true);
    expect(tested.tools.map((tool: { name: string }) => tool.name).sort()).toEqual(['big', 'lookup-project', 'refuse', 'whoami']);

    const project = (await call(t.app, admin, { method: 'POST', url: `/api/v1/mcp-servers/${server.id}/tools/lookup-project/call`, payload: { arguments: { team: 'payroll' } } })).json();
    expect(project).toMatchObject({ isError: false, structuredContent: { project: 'PAY' } });
    const whoami = (await call(t.app, admin, { method: 'POST', url: `/api/v1/mcp-servers/${server.id}/tools/whoami/call`, payload: {} })).json();
    expect(whoami.content).toEqual([{ type: 'text', text: 'token=tok-stdio-secret-42' }]);
    const refuse = (await call(t.app, admin, { method: 'POST', url: `/api/v1/mcp-servers/${server.id}/tools/refuse/call`, payload: {} })).json();
    expect(refuse).toMatchObject({ isError: true, content: [{ type: 'text', text: 'no such ticket' }] });

    const big = await call(t.app, admin, { method: 'POST', url: `/api/v1/mcp-servers/${server.id}/tools/big/call`, payload: { arguments: { bytes: 50_000 } } });
    expect(big.statusCode).toBe(502);
    expect(big.json()).toMatchObject({ code: 'MCP_OUTPUT_TOO_LARGE', detail: expect.stringContaining('MCP_MAX_OUTPUT_BYTES') });
    const huge = await call(t.app, admin, { method: 'POST', url: `/api/v1/mcp-servers/${server.id}/tools/big/call`, payload: { arguments: { bytes: 2_000_000 } } });
    expect(huge.statusCode).toBe(502);
    expect(['MCP_OUTPUT_TOO_LARGE', 'MCP_CALL_FAILED']).toContain(huge.json().code);

    const results = (await auditOf(t.database.db as Db, admin.orgId)).map((e) => `${e.details.tool}:${e.result}:${e.details.outcome}${e.details.code ? `:${e.details.code}` : ''}`);
    expect(results.slice(0, 4)).toEqual(['lookup-project:success:ok', 'whoami:success:ok', 'refuse:failure:tool-error', 'big:failure:error:MCP_OUTPUT_TOO_LARGE']);
    expect(JSON.stringify(await auditOf(t.database.db as Db, admin.orgId))).not.toContain('payroll');
  }, 240_000);

  it('names a command that cannot be started', async () => {
    const missing = (await call(t.app, admin, { method: 'POST', url: '/api/v1/mcp-servers', payload: { name: 'missing', transport: 'stdio', command: '/nonexistent/mcp-server' } })).json();
    const tested = (await call(t.app, admin, { method: 'POST', url: `/api/v1/mcp-servers/${missing.id}/test` })).json();
    expect(tested).toMatchObject({ ok: false, code: 'MCP_CONNECT_FAILED', message: expect.stringContaining('/nonexistent/mcp-server') });
    expect(tested.notices).toEqual([{ code: 'mcpTest.cannotStart', params: { command: '/nonexistent/mcp-server', server: 'missing', error: 'ENOENT' } }]);
  }, 120_000);
});
