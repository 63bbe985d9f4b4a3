import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { handleIncomingMail } from './incoming-mail.js';
import { CORPUS, type CorpusMail } from './mail-corpus.js';
import { corpusMessage, MARKETPLACE, setupPipelineOrg } from './mail-pipeline-org.js';
import { startOpenAiWireServer, type OpenAiWireServer, type SeenRequest } from './llm-wire-server.js';
import { startHttpExample } from './mcp-example-server.js';

/**
 * Conversation replies using the organisation's MCP tools, end to end with real parts: the MCP
 * SDK's own example server (tools `greet`, `multi-greet`) and a local OpenAI wire server answering
 * from recorded responses, including the recorded tool-call response.
 */
/** The standard anti-spam test string: every spam check calls a message carrying it spam. */
const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const SPEC = { specVersion: 1, name: 'invoice-tracker', title: 'Invoice tracker', summary: 'Track open invoices by customer.', kind: 'web-dashboard', entities: [{ name: 'invoice', fields: [{ name: 'customer', type: 'string' }, { name: 'amount', type: 'number' }] }], sources: [{ type: 'csv', path: 'data/invoices.csv' }], outputs: [{ type: 'dashboard' }] };

let t: TestApp;
let wire: OpenAiWireServer;
let example: { url: string; child: ChildProcess };

beforeAll(async () => {
  [wire, example, t] = await Promise.all([startOpenAiWireServer(), startHttpExample(), createTestApp({ env: { MCP_ALLOW_PRIVATE_TARGETS: 'true', SMTP_FROM: MARKETPLACE, MAIL_SENDER_LIMIT_PER_HOUR: '10000' } })]);
}, 120_000);
afterAll(async () => {
  example?.child.kill();
  await t?.close();
  await wire?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** An organisation: its admin and a member, with the local LLM and the example MCP server when asked. */
async function organisation(name: string, options: { llm: boolean; server: boolean; policy: string[] }): Promise<{ admin: Account; member: Account }> {
  const admin = await register(t.app, { organization: name });
  const member = await addUser(t.app, admin, ['member']);
  await equip(name, admin, options);
  return { admin, member };
}

async function equip(name: string, admin: Account, options: { llm: boolean; server: boolean; policy: string[] }): Promise<void> {
  const ok = (response: { statusCode: number; body: string }, status = 200) => {
    if (response.statusCode !== status) throw new Error(`${name}: ${response.statusCode} ${response.body}`);
  };
  if (options.llm) ok(await call(t.app, admin, { method: 'PUT', url: '/api/v1/llm/providers', payload: { providers: [{ id: 'local', kind: 'openai-compatible', baseUrl: wire.url, apiKey: 'sk-test-tools-0123456789', defaultModel: 'gpt-4o-mini' }], active: 'local' } }));
  if (options.server) ok(await call(t.app, admin, { method: 'POST', url: '/api/v1/mcp-servers', payload: { name: 'sdk-example', transport: 'http', url: example.url, allowedTools: ['greet', 'multi-greet'] } }), 201);
  ok(await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { mcpConversationTools: options.policy } } } }));
}

const chatRequests = (from: number): SeenRequest[] => wire.seen.slice(from).filter((r) => r.path.endsWith('/chat/completions') && !r.body?.response_format);
const turn = (member: Account, text: string) => call(t.app, member, { method: 'POST', url: '/api/v1/conversations', payload: { text } });
const auditOf = (orgId: string) => (t.database.db as Db).selectFrom('audit_log').selectAll().where('org_id', '=', orgId).where('action', '=', 'mcp.tool.call').orderBy('seq').execute();

describe('conversation replies with MCP tools', () => {
  it('offers only the tools the policy lists; the model’s call reaches the MCP server as the user, its answer reaches the model, and the reply uses it (recorded tool-call exchange)', async () => {
    const acme = await organisation('Tools Acme', { llm: true, server: true, policy: ['sdk-example/greet'] });
    wire.structured = [JSON.stringify(SPEC)];
    wire.toolCalls = [{ name: 'sdk-example_greet', arguments: '{"name":"Ada"}' }];
    wire.chat = (body) => {
      const result = [...body.messages].reverse().find((m: { role: string }) => m.role === 'tool');
      return result ? `The directory tool answered: ${result.content}` : 'No tool was used.';
    };
    const from = wire.seen.length;

    const response = await turn(acme.member, 'Dashboard of overdue invoices from data/invoices.csv');

    expect(response.statusCode, response.body).toBe(201);
    const [asked, answered, ...more] = chatRequests(from);
    expect(more).toEqual([]);
    // multi-greet is allowed by the server's registration, but the policy lists only greet
    expect(asked!.body.tools.map((tool: { function: { name: string } }) => tool.function.name)).toEqual(['sdk-example_greet']);
    expect(asked!.body.tools[0].function.description).toContain('MCP server "sdk-example"');
    // the MCP server's answer comes back as a tool message, never inside the system prompt
    expect(answered!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: 'Hello, Ada!' });
    expect(answered!.body.messages[0].role).toBe('system');
    expect(answered!.body.messages[0].content).not.toContain('Hello, Ada!');
    const result = response.json();
    expect(result.reply).toContain('The directory tool answered: Hello, Ada!');
    // the draft comes from the spec reading (rules, or the model's validated structured answer) only: the tool's words are not in it
    expect(JSON.stringify(result.spec)).not.toContain('Ada');

    const entries = await auditOf(acme.admin.orgId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ result: 'success', actor_type: 'user', actor_id: acme.member.userId, details: expect.objectContaining({ server: 'sdk-example', tool: 'greet', purpose: 'conversation', outcome: 'ok', argumentNames: ['name'] }) });
    expect(JSON.stringify(entries)).not.toContain('Ada');
    const saved = await (t.database.db as Db).selectFrom('conversation_messages').select(['role', 'details']).where('conversation_id', '=', result.id).where('role', '=', 'assistant').execute();
    expect(saved.at(-1)!.details).toMatchObject({ toolCalls: [{ name: 'sdk-example_greet', outcome: 'ok' }] });
  }, 120_000);

  it('offers no tool, and lists none, to another organisation, when the policy lists none, or when no LLM is configured', async () => {
    const listTools = vi.spyOn(t.app.mcpClient, 'listTools');
    wire.structured = [JSON.stringify(SPEC)];
    wire.chat = 'Recorded answer.';

    // Globex's policy names a server called sdk-example, but only Acme registered one: Acme's tools are never offered to Globex.
    const globex = await organisation('Tools Globex', { llm: true, server: false, policy: ['sdk-example/greet'] });
    let from = wire.seen.length;
    expect((await turn(globex.member, 'Dashboard of late shipments from data/shipments.csv')).statusCode).toBe(201);
    let chats = chatRequests(from);
    expect(chats).toHaveLength(1);
    expect(chats[0]!.body.tools).toBeUndefined();

    // A server and a model, but an empty conversation policy: nothing is listed or offered.
    const hooli = await organisation('Tools Hooli', { llm: true, server: true, policy: [] });
    from = wire.seen.length;
    expect((await turn(hooli.member, 'Dashboard of open tickets from data/tickets.csv')).statusCode).toBe(201);
    chats = chatRequests(from);
    expect(chats).toHaveLength(1);
    expect(chats[0]!.body.tools).toBeUndefined();

    // Server and policy, but no LLM: the built-in engine answers and no server is asked for its tools.
    const initech = await organisation('Tools Initech', { llm: false, server: true, policy: ['sdk-example/*'] });
    from = wire.seen.length;
    const builtin = await turn(initech.member, 'Dashboard of unpaid invoices from data/invoices.csv');
    expect(builtin.statusCode).toBe(201);
    expect(wire.seen.length).toBe(from);

    expect(listTools).not.toHaveBeenCalled();
    for (const org of [globex, hooli, initech]) expect(await auditOf(org.admin.orgId)).toEqual([]);
  }, 120_000);
});

describe('conversations by mail', () => {
  it('offers tools for a proven sender’s clean mail, and none for spam even when the rules let it reach the conversation engine (recorded tool-call exchange)', async () => {
    const db = t.database.db as Db;
    const org = await setupPipelineOrg(t.app, db);
    await equip('mail org', org.admin, { llm: true, server: true, policy: ['sdk-example/greet'] });
    // no rules: every proven mail, spam included, goes to the conversation engine
    expect((await call(t.app, org.admin, { method: 'PUT', url: '/api/v1/mail-rules', payload: { rules: [] } })).statusCode).toBe(200);
    wire.structured = [JSON.stringify(SPEC)];
    wire.chat = 'Recorded answer.';
    const mail = (id: string, extra: Partial<CorpusMail> = {}) => {
      const corpus = CORPUS.find((m) => m.id === id)!;
      const message = corpusMessage({ ...corpus, from: 'reporter', id: `${id}-tools`, ...extra }, org, 'tools');
      return handleIncomingMail(t.app.conversationServices, message.raw, { from: message.from, to: [message.to] });
    };

    let from = wire.seen.length;
    wire.toolCalls = [{ name: 'sdk-example_greet', arguments: '{"name":"Marek"}' }];
    expect((await mail('req-en-2')).outcome).toMatch(/^answered/);
    const offered = chatRequests(from).filter((r) => r.body.tools);
    expect(offered.length).toBeGreaterThan(0);
    expect(offered[0]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name)).toEqual(['sdk-example_greet']);
    expect(await auditOf(org.admin.orgId)).toEqual([expect.objectContaining({ actor_id: org.reporter.userId, details: expect.objectContaining({ purpose: 'conversation', tool: 'greet' }) })]);

    from = wire.seen.length;
    wire.toolCalls = [{ name: 'sdk-example_greet', arguments: '{"name":"Spam"}' }];
    // an app request that the spam check flags (it carries the GTUBE test string), so the reply step is reached
    const spam = await mail('req-en-6', { id: 'spam-request-tools', body: `${CORPUS.find((m) => m.id === 'req-en-6')!.body}\n\n${GTUBE}` });
    expect(spam.outcome).toMatch(/^answered/);
    const analysis = await db.selectFrom('mail_analyses').select(['spam', 'route']).where('message_id', 'like', '<spam-request-tools.%').executeTakeFirstOrThrow();
    expect(analysis).toEqual({ spam: true, route: 'conversation' });
    // the spam reached the model through the conversation engine, but with no tool to call
    expect(wire.seen.slice(from).filter((r) => r.path.endsWith('/chat/completions')).length).toBeGreaterThan(0);
    expect(wire.seen.slice(from).some((r) => r.body?.tools)).toBe(false);
    expect(await auditOf(org.admin.orgId)).toHaveLength(1);
    wire.toolCalls = [];
  }, 120_000);
});
