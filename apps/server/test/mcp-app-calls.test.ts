import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMaildir } from '@marketplace/mail';
import { mailboxDirectory, startMailHub, type MailHub } from '@marketplace/mail/hub';
import { enroll, startAgent, type RunningAgent } from '../../agent/src/index.js';
import { appToken } from '../../agent/src/app-calls.js';
import { buildApp, generateApp, writeApp } from '@marketplace/generators';
import { createBundle, RELEASE_STATEMENT_TYPE, releaseFileName, signRelease } from '@marketplace/release';
import { releaseMail, sendMail, signedTinyRelease, type SignedTinyRelease } from '../../agent/test/release-fixtures.js';
import type { Db } from '../src/db/schema.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { startHttpExample } from './mcp-example-server.js';

/**
 * A deployed app calls the MCP tool its spec declares, on real parts: a real agent deploys a signed
 * release delivered through the mail hub; the app (a local process) asks its agent on loopback with
 * the token the agent gave it; the agent forwards as itself to the server, which checks the
 * deployment, the declared tools, the MCP server and the policy, and calls the SDK's example MCP
 * server (audited, purpose automation).
 */
const APP = 'greeter';
/** MCP_APP_CALLS_PER_MINUTE here (default 60): a deployment's calls a minute. */
const CALLS_PER_MINUTE = 20;
const SPEC = {
  specVersion: 1,
  name: APP,
  title: 'Greeter',
  summary: 'Greets the team every morning.',
  kind: 'automation',
  schedule: { cron: '0 9 * * *' },
  mcpTools: [{ server: 'sdk-example', tool: 'greet', use: 'source', purpose: 'the greeting of the day' }],
};

let t: TestApp;
let hub: MailHub;
let example: { url: string; child: ChildProcess };
let admin: Account;
let agent: RunningAgent;
let work: string;
let home: string;
const db = () => t.database.db as Db;

/** The app's own call, through its agent: GET /mcp on the app, which answers what the agent answered it. */
async function appCalls(tool: string, use: 'source' | 'output', name = 'Ada', appName = APP): Promise<{ status: number; body: any }> {
  const record = agent.deployer.apps().find((app) => app.name === appName)!;
  const response = await fetch(`http://127.0.0.1:${record.port}/mcp?server=sdk-example&tool=${tool}&use=${use}&name=${name}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { status: number; body: any };
}

const toolAudit = async (orgId: string) => db().selectFrom('audit_log').selectAll().where('org_id', '=', orgId).where('action', '=', 'mcp.tool.call').orderBy('seq').execute();
const agentKey = () => (JSON.parse(readFileSync(join(home, 'state', 'app-calls.json'), 'utf8')) as { key: string }).key;
const localCall = (token: string | null, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${agent.appCallPort}/mcp/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ server: 'sdk-example', tool: 'greet', use: 'source', arguments: { name: 'Eve' } }),
  });

/** The catalog's app and its published 1.0.0 with this spec (what the pipeline's publish step stores). */
async function publish(spec: { name: string; title: string; summary: string; kind: string }) {
  const appId = randomUUID();
  await db().insertInto('apps').values({ id: appId, org_id: admin.orgId, name: spec.name, title: spec.title, summary: spec.summary, kind: spec.kind, tags: [], spec: JSON.stringify(spec), latest_version: '1.0.0', author_id: admin.userId }).execute();
  await db()
    .insertInto('app_versions')
    .values({ id: randomUUID(), app_id: appId, org_id: admin.orgId, version: '1.0.0', request_id: null, spec: JSON.stringify(spec), manifest: '{}', changelog: null, bundle_sha256: 'a'.repeat(64), bundle_size: 1, key_id: 'k', release_json: '{}', validation_report: '{}', scan_report: '{}', published_by: admin.userId })
    .execute();
}

/** Mails a signed release to the agent through the hub and lets the agent deploy it. */
async function deliver(release: Pick<SignedTinyRelease, 'app' | 'version' | 'bundle' | 'bundleFileName' | 'sha256' | 'size' | 'envelopeJson' | 'envelopeFileName' | 'keyId' | 'signer'>) {
  await sendMail(hub, await releaseMail(release as SignedTinyRelease, { org: admin.orgId, to: agent.config.mailbox, agentId: agent.config.agentId }), 'marketplace@marketplace.test', agent.config.mailbox);
  expect(await agent.processOnce()).toMatchObject({ processed: 1 });
}

/** Generates the app of `spec`, builds it, and signs its bundle with the organisation's key, as the pipeline would. */
async function generatedRelease(spec: Record<string, unknown>): Promise<SignedTinyRelease> {
  const dir = join(work, `generated-${String(spec.name)}`);
  const generated = generateApp(spec, { version: '1.0.0' });
  await writeApp(dir, generated.files);
  await buildApp(dir);
  const files = new Map<string, { content: Buffer }>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name).slice(dir.length + 1);
    if (entry.isFile() && !path.startsWith('node_modules/')) files.set(path, { content: await readFile(join(dir, path)) });
  }
  const bundle = await createBundle({ files });
  const signer = await t.app.orgKeys.signingKey(admin.orgId);
  const now = Date.now();
  const signed = signRelease(
    {
      _type: RELEASE_STATEMENT_TYPE, app: generated.manifest.name, version: '1.0.0', org: signer.org, bundle: { name: bundle.fileName, sha256: bundle.sha256, size: bundle.size },
      specDigest: `sha256:${'1'.repeat(64)}`, validationReportDigest: `sha256:${'2'.repeat(64)}`, scan: { verdict: 'clean', scanners: [{ name: 'secrets', verdict: 'clean' }] },
      approver: 'reviewer@example.test', publishedAt: new Date(now - 60_000).toISOString(), expiresAt: new Date(now + 86_400_000).toISOString(), keyId: signer.keyId,
    },
    signer.privateKey,
  );
  return { app: generated.manifest.name, version: '1.0.0', bundle: bundle.data, bundleFileName: bundle.fileName, sha256: bundle.sha256, size: bundle.size, envelopeJson: signed.json, envelopeFileName: releaseFileName(generated.manifest.name, '1.0.0'), keyId: signer.keyId, signer };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mcp-app-calls-'));
  t = await createTestApp({ env: { ROOT_KEY_PASSPHRASE: 'an mcp app calls root passphrase', MCP_ALLOW_PRIVATE_TARGETS: 'true', MCP_APP_CALLS_PER_MINUTE: String(CALLS_PER_MINUTE) } });
  const serverUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  hub = await startMailHub({ dataDir: join(work, 'hub'), port: 0, fsync: false });
  example = await startHttpExample();
  admin = await register(t.app, { organization: `MCP Apps ${randomUUID().slice(0, 8)}` });

  // the admin registered the example server and let apps call both its tools
  const server = await call(t.app, admin, { method: 'POST', url: '/api/v1/mcp-servers', payload: { name: 'sdk-example', transport: 'http', url: example.url, allowedTools: ['greet', 'multi-greet', 'list-files'] } });
  expect(server.statusCode, server.body).toBe(201);
  const policy = await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { mcpAutomationTools: ['sdk-example/greet', 'sdk-example/multi-greet', 'sdk-example/list-files'] } } } });
  expect(policy.statusCode, policy.body).toBe(200);

  // the catalog's published 1.0.0 of the app declares greet as its source
  await publish(SPEC);

  // a real agent runs it
  const { code } = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  home = join(work, 'agent-home');
  const config = await enroll({ server: serverUrl, code, home });
  agent = await startAgent({ home, mailbox: await openMaildir(mailboxDirectory(join(work, 'hub'), config.mailbox), { fsWatch: false }), maxHealthTimeoutMs: 15_000, log: () => {} });
  await deliver(await signedTinyRelease(await t.app.orgKeys.signingKey(admin.orgId), APP, '1.0.0', { callsMcp: true }));
}, 180_000);

afterAll(async () => {
  await agent?.stop({ stopApps: true });
  example?.child.kill();
  await hub?.close();
  await t?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a deployed app calls the MCP tools its spec declares, through its agent', () => {
  it('reaches the MCP server for a declared source, audited as the agent with purpose automation and the deployment', async () => {
    const [deployment] = (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments?app=${APP}` })).json().items;
    expect(deployment).toMatchObject({ version: '1.0.0', state: 'healthy' });

    const answer = await appCalls('greet', 'source');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ isError: false, content: [{ type: 'text', text: 'Hello, Ada!' }], deploymentId: deployment.id });

    const entries = await toolAudit(admin.orgId);
    expect(entries.at(-1)).toMatchObject({
      actor_type: 'agent', actor_id: agent.config.agentId, result: 'success',
      details: expect.objectContaining({ server: 'sdk-example', tool: 'greet', purpose: 'automation', outcome: 'ok', app: APP, version: '1.0.0', use: 'source', deploymentId: deployment.id, argumentNames: ['name'] }),
    });
    // neither the argument value nor the app's token is kept in the audit log
    expect(JSON.stringify(entries)).not.toContain('Ada');
    expect(JSON.stringify(entries)).not.toContain(appToken(agentKey(), APP, '1.0.0'));
  });

  it('refuses a tool the spec does not declare, or declares for the other use, and a declared tool the policy no longer lists; each refusal audited', async () => {
    const undeclared = await appCalls('multi-greet', 'source');
    expect(undeclared.status).toBe(403);
    expect(undeclared.body).toMatchObject({ code: 'MCP_TOOL_NOT_DECLARED', detail: expect.stringContaining('"sdk-example/multi-greet"') });
    const otherUse = await appCalls('greet', 'output');
    expect(otherUse.status).toBe(403);
    expect(otherUse.body.code).toBe('MCP_TOOL_NOT_DECLARED');

    await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { mcpAutomationTools: [] } } } });
    try {
      const outsidePolicy = await appCalls('greet', 'source');
      expect(outsidePolicy.status).toBe(403);
      expect(outsidePolicy.body.code).toBe('MCP_POLICY_REFUSED');
    } finally {
      await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { mcpAutomationTools: ['sdk-example/greet', 'sdk-example/multi-greet', 'sdk-example/list-files'] } } } });
    }
    const refusals = (await toolAudit(admin.orgId)).slice(-3);
    expect(refusals.map((e) => [e.result, e.details.tool, e.details.use, e.details.code, e.details.purpose])).toEqual([
      ['denied', 'multi-greet', 'source', 'MCP_TOOL_NOT_DECLARED', 'automation'],
      ['denied', 'greet', 'output', 'MCP_TOOL_NOT_DECLARED', 'automation'],
      ['denied', 'greet', 'source', 'MCP_POLICY_REFUSED', 'automation'],
    ]);
  });

  it('calls a tool whose spec fixes an argument only with that value; another value or none is refused and audited without values', async () => {
    const pinned = { ...SPEC, name: 'team-greeter', title: 'Team greeter', mcpTools: [{ server: 'sdk-example', tool: 'greet', use: 'source', arguments: { name: 'Team' } }] };
    await publish(pinned);
    await deliver(await signedTinyRelease(await t.app.orgKeys.signingKey(admin.orgId), 'team-greeter', '1.0.0', { callsMcp: true }));

    const fixed = await appCalls('greet', 'source', 'Team', 'team-greeter');
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect(fixed.body.content).toEqual([{ type: 'text', text: 'Hello, Team!' }]);
    const other = await appCalls('greet', 'source', 'Mallory', 'team-greeter');
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ code: 'MCP_ARGUMENT_FIXED', detail: expect.stringContaining('only with name = "Team"') });
    // the app itself sends {name}; without it (the agent forwarding as this deployment) the call is refused too
    const missing = await agent.server.callMcpTool({ app: 'team-greeter', version: '1.0.0', server: 'sdk-example', tool: 'greet', use: 'source', arguments: {} });
    expect(missing).toMatchObject({ status: 403, body: { code: 'MCP_ARGUMENT_FIXED', detail: expect.stringContaining('did not send it') } });

    const entries = (await toolAudit(admin.orgId)).filter((e) => e.details.app === 'team-greeter');
    expect(entries.map((e) => [e.result, e.details.code ?? null, e.details.argument ?? null])).toEqual([
      ['success', null, null],
      ['denied', 'MCP_ARGUMENT_FIXED', 'name'],
      ['denied', 'MCP_ARGUMENT_FIXED', 'name'],
    ]);
    expect(JSON.stringify(entries)).not.toContain('Mallory');
  });

  it('tells an app over its deployment’s limit (MCP_APP_CALLS_PER_MINUTE) when to retry: 429 with Retry-After, passed on by its agent', async () => {
    // team-greeter made 3 calls in the test before; refused calls count
    const token = appToken(agentKey(), 'team-greeter', '1.0.0');
    const teamCall = () => fetch(`http://127.0.0.1:${agent.appCallPort}/mcp/call`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ server: 'sdk-example', tool: 'greet', use: 'source', arguments: { name: 'Team' } }) });
    for (let i = 3; i < CALLS_PER_MINUTE; i += 1) expect((await teamCall()).status).toBe(200);
    const limited = await teamCall();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({ code: 'MCP_APP_CALLS_LIMITED' });
  });

  it('gives the agent URL and token only to an app that declares MCP tools, and the agent refuses callers without its token', async () => {
    const record = agent.deployer.apps().find((app) => app.name === APP)!;
    const env = ((await (await fetch(`http://127.0.0.1:${record.port}/`)).json()) as { env: string[] }).env;
    expect(env).toEqual(expect.arrayContaining(['MARKETPLACE_AGENT_URL', 'MARKETPLACE_APP_TOKEN']));

    const none = await localCall(null);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('APP_TOKEN_INVALID');
    const forged = await localCall(`${APP}:1.0.0:${'A'.repeat(43)}`);
    expect(forged.status).toBe(401);
    // a token of this agent for a version it does not run (an old or future one) is refused before the server hears of it
    const notRunning = await localCall(appToken(agentKey(), APP, '0.9.0'));
    expect(notRunning.status).toBe(403);
    expect(((await notRunning.json()) as { code: string }).code).toBe('APP_NOT_RUNNING');
    // a web page that learnt the token cannot use it from a browser
    const fromBrowser = await localCall(appToken(agentKey(), APP, '1.0.0'), { origin: 'https://evil.example' });
    expect(fromBrowser.status).toBe(403);
    const valid = await localCall(appToken(agentKey(), APP, '1.0.0'));
    expect(valid.status).toBe(200);
  });

  it('refuses another organisation’s agent naming this deployment, a user token on the agents’ route, and limits calls per deployment', async () => {
    const other = await register(t.app, { organization: `Other ${randomUUID().slice(0, 8)}` });
    const { code } = (await call(t.app, other, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
    const enrolled = (await t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'other-laptop', hostname: 'other-host', os: 'linux' } })).json();
    const token = (await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: enrolled.clientId, client_secret: enrolled.clientSecret } })).json().access_token as string;
    const payload = { app: APP, version: '1.0.0', server: 'sdk-example', tool: 'greet', use: 'source', arguments: { name: 'Mallory' } };

    const foreign = await call(t.app, { token }, { method: 'POST', url: '/api/v1/agents/mcp-calls', payload });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('MCP_DEPLOYMENT_UNKNOWN');
    expect((await toolAudit(other.orgId)).map((e) => [e.actor_type, e.result, e.details.code])).toEqual([['agent', 'denied', 'MCP_DEPLOYMENT_UNKNOWN']]);
    expect((await toolAudit(admin.orgId)).some((e) => JSON.stringify(e.details).includes('Mallory') || e.actor_id === enrolled.agentId)).toBe(false);

    const asUser = await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/mcp-calls', payload });
    expect(asUser.statusCode).toBe(403);

    for (let i = 1; i < CALLS_PER_MINUTE; i += 1) expect((await call(t.app, { token }, { method: 'POST', url: '/api/v1/agents/mcp-calls', payload })).statusCode).toBe(404);
    const limited = await call(t.app, { token }, { method: 'POST', url: '/api/v1/agents/mcp-calls', payload });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'MCP_APP_CALLS_LIMITED', detail: expect.stringContaining(`made ${CALLS_PER_MINUTE} MCP tool calls in the last minute`) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // refusals over the limit are audited like the others, but a flood of them is one entry (the rest are counted when the minute ends)
    for (let i = 0; i < 5; i += 1) expect((await call(t.app, { token }, { method: 'POST', url: '/api/v1/agents/mcp-calls', payload })).statusCode).toBe(429);
    const limitedEntries = async () => (await toolAudit(other.orgId)).filter((e) => e.details.code === 'MCP_APP_CALLS_LIMITED').map((e) => [e.actor_id, e.result, e.status_code, e.details.app, e.details.version, e.details.tool, e.details.refused]);
    await expect.poll(limitedEntries).toEqual([[enrolled.agentId, 'denied', 429, APP, '1.0.0', 'greet', 1]]);
    expect(JSON.stringify(await toolAudit(other.orgId))).not.toContain('Mallory');
    // the limit is per deployment: another app of the same agent is still heard
    expect((await call(t.app, { token }, { method: 'POST', url: '/api/v1/agents/mcp-calls', payload: { ...payload, app: 'other-app' } })).statusCode).toBe(404);
    // a made-up app name per call gets past the per-deployment limit, but not into the audit log one entry each
    for (let i = 0; i < 10; i += 1) expect((await call(t.app, { token }, { method: 'POST', url: '/api/v1/agents/mcp-calls', payload: { ...payload, app: `made-up-${i}` } })).statusCode).toBe(404);
    expect((await toolAudit(other.orgId)).filter((e) => e.details.code === 'MCP_DEPLOYMENT_UNKNOWN')).toHaveLength(1);
  });

  it('runs a generated automation whose source is an MCP tool: each run calls it through the agent, and its items are new once', async () => {
    const digest = {
      specVersion: 1, name: 'file-digest', title: 'File digest', summary: 'Lists the shared files every hour.', kind: 'automation', schedule: { cron: '0 * * * *' }, auth: 'none',
      mcpTools: [{ server: 'sdk-example', tool: 'list-files', use: 'source', purpose: 'the shared files' }],
    };
    await publish(digest);
    await deliver(await generatedRelease(digest));
    const record = agent.deployer.apps().find((app) => app.name === 'file-digest');
    expect(record, JSON.stringify(agent.deployer.apps())).toMatchObject({ current: '1.0.0', state: 'healthy' });

    const run = async () => (await (await fetch(`http://127.0.0.1:${record!.port}/run`, { method: 'POST' })).json()) as { ok: boolean; newItems: number; sources: { label: string; fetched: number; new: number; error?: string }[] };
    const first = await run();
    expect(first).toMatchObject({ ok: true, newItems: 3, sources: [{ label: 'MCP tool sdk-example/list-files', fetched: 3, new: 3 }] });
    expect((await run()).newItems).toBe(0);
    const calls = (await toolAudit(admin.orgId)).filter((e) => e.details.tool === 'list-files');
    expect(calls.map((e) => [e.result, e.actor_type, e.details.purpose, e.details.app, e.details.use])).toEqual([
      ['success', 'agent', 'automation', 'file-digest', 'source'],
      ['success', 'agent', 'automation', 'file-digest', 'source'],
    ]);
  });

  it('refuses every call once the deployment is removed, and once the agent is revoked', async () => {
    const [deployment] = (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments?app=${APP}` })).json().items;
    const remove = await call(t.app, admin, { method: 'DELETE', url: `/api/v1/deployments/${deployment.id}` });
    expect(remove.statusCode, remove.body).toBe(202);
    await agent.pollCommands();
    expect((await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments/${deployment.id}` })).json().state).toBe('removed');

    // the app's own token no longer works at the agent …
    const local = await localCall(appToken(agentKey(), APP, '1.0.0'));
    expect(local.status).toBe(403);
    expect(((await local.json()) as { code: string }).code).toBe('APP_NOT_RUNNING');
    // … and an agent forwarding anyway is refused by the server
    const forwarded = await agent.server.callMcpTool({ app: APP, version: '1.0.0', server: 'sdk-example', tool: 'greet', use: 'source', arguments: {} });
    expect(forwarded).toMatchObject({ status: 409, body: { code: 'MCP_DEPLOYMENT_NOT_LIVE' } });

    const revoke = await call(t.app, admin, { method: 'DELETE', url: `/api/v1/agents/${agent.config.agentId}` });
    expect(revoke.statusCode, revoke.body).toBeLessThan(300);
    const afterRevoke = await agent.server.callMcpTool({ app: APP, version: '1.0.0', server: 'sdk-example', tool: 'greet', use: 'source', arguments: {} });
    // the server no longer takes the agent's credentials: the app hears that its agent was refused
    expect(afterRevoke).toMatchObject({ status: 502, body: { code: 'SERVER_REFUSED', detail: expect.stringContaining('revoked') } });
    expect((await toolAudit(admin.orgId)).filter((e) => e.result === 'success' && e.details.tool === 'greet' && e.details.app === APP)).toHaveLength(2);
  });
});
