import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { insertApproval } from '../src/modules/approvals/approvals-repository.js';
import { issueLink } from '../src/modules/approvals/approval-links.js';
import { insertRequest } from '../src/modules/pipeline/pipeline-repository.js';
import { recordMessage } from '../src/modules/webhooks/webhooks-repository.js';
import type { Db } from '../src/db/schema.js';
import { documentedRoutes, isEventStream, sample, urlFor, type DocumentedRoute } from './openapi-routes.js';

/**
 * Every documented route × every kind of caller in org A × org B's resources: nothing of B's ever
 * reaches A. Routes come from the OpenAPI document, so a new route joins this matrix by existing;
 * a new route with an {id} and no foreign fixture below fails until one is added.
 */
let t: TestApp;
let routes: DocumentedRoute[];
const callers: { name: string; headers: Record<string, string> }[] = [];
const foreign: Record<string, string> = {};
/** Routes whose {id} is not the collection's own resource (a command under /agents/…). */
const foreignByPath: Record<string, string> = {};
const foreignId = (route: DocumentedRoute) => foreignByPath[route.path] ?? foreign[collectionOf(route.path)];
const foreignSecrets: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  routes = await documentedRoutes(t.app);

  const adminA = await register(t.app, { organization: 'Org A' });
  const users: Record<string, Account> = { admin: adminA };
  for (const role of ['publisher', 'reviewer', 'member'] as const) users[role] = await addUser(t.app, adminA, [role]);
  for (const [name, account] of Object.entries(users)) callers.push({ name: `A ${name}`, headers: { authorization: `Bearer ${account.token}` } });
  const key = (await call(t.app, adminA, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'a-admin-key', roles: ['admin'] } })).json().key;
  callers.push({ name: 'A admin API key', headers: { 'x-api-key': key } });
  const agent = (await call(t.app, adminA, { method: 'POST', url: '/api/v1/agent-clients', payload: { name: 'a-agent' } })).json();
  const agentToken = (await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: agent.clientId, client_secret: agent.clientSecret } })).json().access_token;
  callers.push({ name: 'A agent', headers: { authorization: `Bearer ${agentToken}` } });
  const aCode = (await call(t.app, adminA, { method: 'POST', url: '/api/v1/agents/enrollments' })).json().code;
  const aEnrolled = (await t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code: aCode, name: 'a-laptop', hostname: 'a-host', os: 'linux' } })).json();
  const aEnrolledToken = (await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: aEnrolled.clientId, client_secret: aEnrolled.clientSecret } })).json().access_token;
  callers.push({ name: 'A enrolled agent', headers: { authorization: `Bearer ${aEnrolledToken}` } });

  const adminB = await register(t.app, { organization: 'Org B' });
  const memberB = await addUser(t.app, adminB, ['member']);
  foreign.users = memberB.userId;
  foreign.invitations = (await call(t.app, adminB, { method: 'POST', url: '/api/v1/invitations', payload: { email: `b-invite-${randomUUID()}@example.test` } })).json().id;
  const bKey = (await call(t.app, adminB, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'b-key' } })).json();
  foreign['api-keys'] = bKey.id;
  foreign['agent-clients'] = (await call(t.app, adminB, { method: 'POST', url: '/api/v1/agent-clients', payload: { name: 'b-agent' } })).json().id;
  foreign.jobs = randomUUID();
  // Catalog fixtures written directly: the pipeline itself is exercised in pipeline.test.ts.
  const db = t.database.db as Db;
  foreign.requests = randomUUID();
  await insertRequest(db, { id: foreign.requests, orgId: adminB.orgId, userId: adminB.userId, source: 'api', text: null, spec: { name: 'b-secret-app' } });
  foreign.apps = randomUUID();
  await db.insertInto('apps').values({ id: foreign.apps, org_id: adminB.orgId, name: 'b-secret-app', title: 'B secret app', summary: 'only for B', kind: 'api-service', tags: [], spec: '{}', latest_version: '1.0.0', author_id: adminB.userId }).execute();
  // deploy agents, their deployments and the organisation's signing keys
  const bCode = (await call(t.app, memberB, { method: 'POST', url: '/api/v1/agents/enrollments' })).json().code;
  const bAgent = (await t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code: bCode, name: 'b-laptop', hostname: 'b-host', os: 'linux' } })).json();
  foreign.agents = bAgent.agentId;
  const bAgentToken = (await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: bAgent.clientId, client_secret: bAgent.clientSecret } })).json().access_token;
  foreign.deployments = (await call(t.app, { token: bAgentToken }, { method: 'POST', url: '/api/v1/agents/reports', payload: { app: 'b-secret-app', version: '1.0.0', state: 'healthy' } })).json().deploymentId;
  foreign.keys = (await t.app.orgKeys.signingKey(adminB.orgId)).keyId;
  foreignByPath['/api/v1/agents/commands/{id}'] = (await call(t.app, adminB, { method: 'DELETE', url: `/api/v1/deployments/${foreign.deployments}` })).json().command.id;
  foreignSecrets.push(adminB.email, memberB.email, adminB.orgId, ...Object.values(foreign), bKey.prefix, bAgent.mailbox, 'b-secret-app', (await t.app.orgKeys.publicInfo(adminB.orgId)).rootFingerprint);
  const bConversation = (await call(t.app, adminB, { method: 'POST', url: '/api/v1/conversations', payload: { text: 'I need a form for b-secret-app expenses' } })).json();
  foreign.conversations = bConversation.id;
  // A download link names a version; without a valid signature every id answers 404.
  foreign.downloads = randomUUID();
  foreign.groups = (await call(t.app, adminB, { method: 'POST', url: '/api/v1/groups', payload: { name: 'b-secret-team', members: [memberB.userId] } })).json().id;
  foreignSecrets.push(bConversation.id, foreignByPath['/api/v1/agents/commands/{id}']!);
  const bApproval = await insertApproval(db, { orgId: adminB.orgId, kind: 'publish', requestId: foreign.requests, appName: 'b-secret-app', requestedBy: adminB.userId, reasons: [{ code: 'POLICY_ALL_APPS', message: 'b-secret-app review' }], hosts: [] });
  foreign.approvals = bApproval.row.id;
  foreignByPath['/api/v1/approval-links/{token}'] = await issueLink(db, { orgId: adminB.orgId, approvalId: bApproval.row.id, reviewerId: adminB.userId, ttlHours: 1 });
  // Git export: B's app by name (the clone URL's org and repo segments are both filled with it; A's callers must not reach it).
  for (const path of ['/git/{org}/{repo}/info/refs', '/git/{org}/{repo}/git-upload-pack', '/git/{org}/{repo}/git-receive-pack']) foreignByPath[path] = 'b-secret-app.git';
  foreign.audit = (await call(t.app, adminB, { method: 'GET', url: '/api/v1/audit?limit=1' })).json().items[0].id;
  // A mail of B's admin that failed in processing: quarantined, shown to B's admins only.
  foreign['mail-quarantine'] = randomUUID();
  await db.insertInto('incoming_mail').values({ id: foreign['mail-quarantine'], message_id: `<b-poison-${randomUUID()}@b.example.test>`, raw: Buffer.from('Subject: b-secret-poison\r\n\r\nb body\r\n'), envelope_from: adminB.email, envelope_to: ['marketplace@marketplace.test'], state: 'quarantined', outcome: 'quarantined', reason: 'MALFORMED_MIME: b-secret-poison', org_id: adminB.orgId, conversation_id: null }).execute();
  foreignSecrets.push('b-secret-poison');
  // A first mail of B's admin waiting for confirmation (what mail intake stores for an unproven sender).
  foreign['mail-confirmations'] = randomUUID();
  await db.insertInto('mail_sender_confirmations').values({ id: foreign['mail-confirmations'], org_id: adminB.orgId, user_id: adminB.userId, address: adminB.email, message_id: `<${randomUUID()}@b.example.test>`, token: `c${randomUUID().replace(/-/g, '')}`, expires_at: new Date(Date.now() + 3_600_000) }).execute();
  // A bug report from B's member, as the inbound pipeline records it: its analysis, and the entry in the app owners' inbox.
  const bMailId = randomUUID();
  await db.insertInto('incoming_mail').values({ id: bMailId, message_id: `<b-bug-${randomUUID()}@b.example.test>`, raw: Buffer.from('Subject: b-secret-bug\r\n\nb body\r\n'), envelope_from: memberB.email, envelope_to: ['marketplace@marketplace.test'], state: 'done', outcome: 'inbox:bug-report', org_id: adminB.orgId, conversation_id: null }).execute();
  foreign['mail-analyses'] = (await db.insertInto('mail_analyses').values({ incoming_mail_id: bMailId, org_id: adminB.orgId, message_id: `<b-bug@b.example.test>`, sender: memberB.email, subject: 'b-secret-bug', stages: '{}', classification: 'bug-report', spam: false, language: 'en', app_id: foreign.apps, summary: 'b-secret-bug summary', route: 'inbox', labels: [], rule_version: 0 }).returning('id').executeTakeFirstOrThrow()).id;
  foreign.messages = randomUUID();
  await db.insertInto('mail_inbox').values({ id: foreign.messages, org_id: adminB.orgId, app_id: foreign.apps, thread_id: foreign.messages, direction: 'in', analysis_id: foreign['mail-analyses'], message_id: '<b-bug@b.example.test>', refs: [], sender: memberB.email, user_id: memberB.userId, subject: 'b-secret-bug', body: 'b-secret-bug body', summary: 'b-secret-bug summary', classification: 'bug-report', language: 'en', sender_version: '1.0.0', draft: 'b-secret-draft', state: 'new' }).execute();
  foreignSecrets.push('b-secret-bug', 'b-secret-draft');
  // B's webhook and one delivery of it (recorded, not sent: this app runs no job queue).
  foreign.webhooks = (await call(t.app, adminB, { method: 'POST', url: '/api/v1/webhooks', payload: { url: 'https://b-secret-hook.example.com/in', events: ['request.published'] } })).json().id;
  const bMessage = await recordMessage(db, adminB.orgId, { type: 'request.published', timestamp: new Date().toISOString(), data: { name: 'b-secret-app' } }, [foreign.webhooks!]);
  foreign['webhook-deliveries'] = bMessage.deliveryIds[0]!;
  foreignSecrets.push('b-secret-hook', bMessage.messageId);
  // An MCP server of B's, with a credential that must never reach A.
  foreign['mcp-servers'] = (await call(t.app, adminB, { method: 'POST', url: '/api/v1/mcp-servers', payload: { name: 'b-secret-mcp', transport: 'http', url: 'https://b-secret-mcp.example.com/mcp', secrets: { Authorization: 'Bearer b-secret-mcp-token' }, allowedTools: ['*'] } })).json().id;
  foreignSecrets.push('b-secret-mcp');
  // A feed token of B's admin.
  // A Gmail mailbox B's admin connected (its refresh token sealed): A's callers must neither read, sync nor disconnect it.
  foreign.gmail = randomUUID();
  await db.insertInto('gmail_connections').values({ id: foreign.gmail, org_id: adminB.orgId, email: 'b-secret-mailbox@b.example.test', refresh_token_sealed: 'v1.b-secret-sealed', scopes: 'https://www.googleapis.com/auth/gmail.modify', history_id: '1', state: 'active', last_error: null, last_sync_at: null, connected_by: adminB.userId }).execute();
  foreignSecrets.push('b-secret-mailbox@b.example.test');
  foreign['feed-tokens'] = (await call(t.app, adminB, { method: 'POST', url: '/api/v1/feed-tokens', payload: { name: 'b-secret-reader' } })).json().id;
  foreignSecrets.push('b-secret-reader');
  // B's Git export remote and the push state of B's app.
  await db.insertInto('git_export_settings').values({ org_id: adminB.orgId, remote_url_template: 'https://b-secret-git.example.test/{app}.git', remote_auth: 'https-token', remote_username: 'b-secret-pusher', remote_secret_sealed: 'v1.x.y.z' }).execute();
  await db.insertInto('git_export_pushes').values({ app_id: foreign.apps, org_id: adminB.orgId, remote_url: 'https://b-secret-git.example.test/b-secret-app.git', last_pushed_version: '1.0.0', last_error: 'b-secret-push-error' }).execute();
  foreignSecrets.push('b-secret-git', 'b-secret-pusher', 'b-secret-push-error');
  // A campaign of B announcing its app to B's member.
  const bVersionId = randomUUID();
  await db.insertInto('app_versions').values({ id: bVersionId, app_id: foreign.apps, org_id: adminB.orgId, version: '1.0.0', request_id: null, spec: '{}', manifest: '{}', changelog: 'b-secret-changelog', bundle_sha256: 'b'.repeat(64), bundle_size: 1, key_id: 'k', release_json: '{}', validation_report: '{}', scan_report: '{}', published_by: adminB.userId }).execute();
  const bCampaign = await call(t.app, adminB, { method: 'POST', url: '/api/v1/campaigns', payload: { appId: foreign.apps, audience: { emails: [memberB.email] } } });
  if (bCampaign.statusCode !== 201) throw new Error(`campaign fixture: ${bCampaign.body}`);
  foreign.campaigns = bCampaign.json().id;
  foreignSecrets.push('b-secret-changelog');
  // A mail the server sent for B, with its recipient's delivery record.
  foreign['outgoing-mail'] = randomUUID();
  await db.insertInto('outgoing_mail').values({ id: foreign['outgoing-mail'], org_id: adminB.orgId, kind: 'password-reset', language: 'en', message_id: '<b-secret-mail@b.example.test>', subject: 'b-secret-outgoing', state: 'sent' }).execute();
  await db.insertInto('outgoing_mail_recipients').values({ id: randomUUID(), mail_id: foreign['outgoing-mail'], org_id: adminB.orgId, address: 'b-secret-recipient@b.example.test', token: randomUUID().replace(/-/g, ''), state: 'bounced' }).execute();
  // B's own wording of a mail kind. Templates are addressed by kind and language, not by id: an id
  // in their place names no template (404), and A's admin never sees B's wording.
  await db.insertInto('mail_templates').values({ org_id: adminB.orgId, kind: 'announcement', language: 'en', subject: 'b-secret-template', body: 'b-secret-template {{text}}', version: 1, updated_by: adminB.userId }).execute();
  foreign['mail-templates'] = randomUUID();
  foreignSecrets.push('b-secret-outgoing', 'b-secret-recipient', 'b-secret-template');
});
afterAll(async () => t.close());

/** Routes that act on the caller's own session, not on any resource: they would sign the matrix's callers out. */
const OWN_SESSION = new Set(['/api/v1/auth/logout']);
const collectionOf = (path: string) => path.replace(/^\/api\/v1\//, '').split('/')[0]!;

describe('tenant isolation matrix', () => {
  it('has a foreign-org fixture for every route that takes an id', () => {
    const missing = routes.filter((r) => r.path.includes('{') && !foreignId(r)).map((r) => `${r.method} ${r.path}`);
    expect(missing, `add a foreign-org fixture for: ${missing.join(', ')}`).toEqual([]);
  });

  it('never returns another organization’s data, on any route, to any caller', async () => {
    const leaks: string[] = [];
    let checked = 0;
    for (const route of routes.filter((r) => r.path.startsWith('/api/') && !OWN_SESSION.has(r.path) && !isEventStream(r))) {
      const url = urlFor(route, foreignId(route) ?? '');
      const body = route.operation.requestBody?.content?.['application/json']?.schema;
      for (const caller of callers) {
        const response = await t.app.inject({ method: route.method as any, url, headers: caller.headers, ...(body ? { payload: sample(body) as object } : {}) });
        checked += 1;
        const text = response.body;
        const leaked = foreignSecrets.find((secret) => text.includes(secret) && !url.includes(secret));
        if (leaked) leaks.push(`${caller.name} ${route.method} ${route.path} → ${response.statusCode} contains ${leaked}`);
        if (route.path.includes('{') && response.statusCode < 300) leaks.push(`${caller.name} ${route.method} ${url} → ${response.statusCode} (acted on another org's resource)`);
        if (response.statusCode >= 500 && response.statusCode !== 503) leaks.push(`${caller.name} ${route.method} ${route.path} → ${response.statusCode}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  }, 180_000);

  it('answers 404 (not 403) to an admin (on agents’ own routes, an agent) asking for another org’s resource, so ids reveal nothing', async () => {
    const admin = callers[0]!;
    const agent = callers.find((caller) => caller.name === 'A enrolled agent')!;
    for (const route of routes.filter((r) => r.path.includes('{') && collectionOf(r.path) !== 'jobs')) {
      const body = route.operation.requestBody?.content?.['application/json']?.schema;
      const ask = (headers: Record<string, string>) => t.app.inject({ method: route.method as any, url: urlFor(route, foreignId(route)!), headers, ...(body ? { payload: sample(body) as object } : {}) });
      let response = await ask(admin.headers);
      if (response.statusCode === 403 && response.json().code === 'PRINCIPAL_NOT_ALLOWED') response = await ask(agent.headers);
      expect(response.statusCode, `${route.method} ${route.path}: ${response.body}`).toBe(404);
    }
  }, 180_000);
});
