import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';

let t: TestApp;
let admin: Account;
beforeAll(async () => {
  t = await createTestApp();
  admin = await register(t.app);
  await call(t.app, admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'one' } });
  await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: admin.email, password: 'wrong password!' } });
  await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { agents: { staleAfterSeconds: 600 } } } });
});
afterAll(async () => t.close());

/** Tamper the way a database superuser could: with the append-only trigger switched off. */
async function tamper(statement: string) {
  await sql.raw('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update').execute(t.database.db);
  try {
    await sql.raw(statement).execute(t.database.db);
  } finally {
    await sql.raw('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update').execute(t.database.db);
  }
}

describe('audit log', () => {
  it('records state changes and security events with who, what, result, IP and request id', async () => {
    const r = await call(t.app, admin, { method: 'GET', url: '/api/v1/audit?limit=50' });
    expect(r.statusCode).toBe(200);
    const actions = r.json().items.map((e: any) => `${e.action}:${e.result}`);
    expect(actions).toEqual(expect.arrayContaining(['auth.register:success', 'api_key.create:success', 'auth.login:failure', 'config.update:success']));
    const config = r.json().items.find((e: any) => e.action === 'config.update');
    expect(config).toMatchObject({ actorType: 'user', actorId: admin.userId, ip: expect.any(String), requestId: expect.any(String), details: { changes: { 'agents.staleAfterSeconds': { from: 300, to: 600 } } } });
  });

  it('names the people and workstations behind the ids, opens one entry, filters, and hides heartbeats unless asked', async () => {
    const { code } = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
    const enrolled = (await t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'anas-laptop', hostname: 'anas-laptop', os: 'linux' } })).json();
    const token = (await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: enrolled.clientId, client_secret: enrolled.clientSecret } })).json().access_token;
    const beat = await call(t.app, { token }, { method: 'POST', url: '/api/v1/agents/heartbeat', payload: { version: '1', os: 'linux', runtimes: ['process'], apps: [] } });
    expect(beat.statusCode).toBe(200);
    const list = async (query: string) => (await call(t.app, admin, { method: 'GET', url: `/api/v1/audit?limit=100${query}` })).json().items as any[];

    const config = (await list('&action=config.update'))[0];
    expect(config).toMatchObject({ actorName: 'Ana Admin', actorEmail: admin.email });
    expect((await list('')).some((e) => e.action === 'agent.heartbeat')).toBe(false);
    const beats = await list('&include=heartbeats');
    expect(beats.find((e) => e.action === 'agent.heartbeat')).toMatchObject({ actorType: 'agent', actorName: 'anas-laptop', actorEmail: admin.email });
    expect((await list(`&targetType=organization`)).every((e) => e.targetType === 'organization')).toBe(true);

    const one = await call(t.app, admin, { method: 'GET', url: `/api/v1/audit/${config.id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: config.id, actorName: 'Ana Admin', details: config.details });
    expect((await call(t.app, admin, { method: 'GET', url: '/api/v1/audit/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
  });

  it('names an agent asking for a token as its workstation, and targets by what people call them, the id kept', async () => {
    const { code } = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
    const enrolled = (await t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'olas-desktop', hostname: 'olas-desktop', os: 'linux' } })).json();
    const token = (await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: enrolled.clientId, client_secret: enrolled.clientSecret } })).json().access_token;
    const appId = randomUUID();
    await t.database.db
      .insertInto('apps')
      .values({ id: appId, org_id: admin.orgId, name: 'leave-requests', title: 'Wnioski urlopowe', summary: 'Formularz.', kind: 'form-app', tags: [], spec: JSON.stringify({}), author_id: admin.userId } as any)
      .execute();
    const deploymentId = (await call(t.app, { token }, { method: 'POST', url: '/api/v1/agents/reports', payload: { app: 'leave-requests', version: '1.0.0', state: 'healthy' } })).json().deploymentId;
    const list = async (query: string) => (await call(t.app, admin, { method: 'GET', url: `/api/v1/audit?limit=100${query}` })).json().items as any[];

    const tokenRow = (await list('&action=agent.token'))[0];
    expect(tokenRow).toMatchObject({ actorType: 'agent', actorName: 'olas-desktop', actorEmail: admin.email });
    const enrol = (await list('&action=agent.enroll')).find((e) => e.targetId === enrolled.agentId);
    expect(enrol).toMatchObject({ targetType: 'agent', targetName: 'olas-desktop' });
    const deployment = (await list('&action=agent.report')).find((e) => e.targetId === deploymentId);
    expect(deployment).toMatchObject({ targetType: 'deployment', targetId: deploymentId, targetName: 'Wnioski urlopowe', targetNote: 'olas-desktop' });
    const conversation = await call(t.app, admin, { method: 'POST', url: '/api/v1/conversations', payload: { text: 'A form for vacation requests: name, first day, last day' } });
    expect(conversation.statusCode, conversation.body).toBeLessThan(300);
    const started = (await list('&action=conversation.create'))[0];
    expect(started).toMatchObject({ targetType: 'conversation', targetName: expect.stringMatching(/vacation/i), targetNote: 'Ana Admin' });
    const organization = (await list('&targetType=organization'))[0];
    expect(organization).toMatchObject({ targetName: 'Acme Test' });
    const member = await addUser(t.app, admin, ['member']);
    const person = (await list('')).find((e) => e.targetType === 'user' && e.targetId === member.userId);
    expect(person).toMatchObject({ targetName: expect.any(String), targetNote: member.email });
  });

  it('refuses UPDATE and DELETE on the log itself', async () => {
    await expect(sql`UPDATE audit_log SET action = 'x'`.execute(t.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(t.database.db)).rejects.toThrow(/append-only/);
  });

  it('verifies an intact chain', async () => {
    const r = await call(t.app, admin, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(r.json()).toMatchObject({ ok: true });
    expect(r.json().checked).toBeGreaterThanOrEqual(4);
  });

  it('names a modified entry', async () => {
    const org = await register(t.app);
    await call(t.app, org, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'k' } });
    await call(t.app, org, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'k2' } });
    await tamper(`UPDATE audit_log SET actor_id = 'someone-else' WHERE chain = 'org:${org.orgId}' AND seq = 2`);
    const r = (await call(t.app, org, { method: 'GET', url: '/api/v1/audit/verify' })).json();
    expect(r).toMatchObject({ ok: false, seq: 2, problem: 'modified' });
  });

  it('names a deleted entry and a reordering', async () => {
    const org = await register(t.app);
    for (const name of ['a', 'b', 'c']) await call(t.app, org, { method: 'POST', url: '/api/v1/api-keys', payload: { name } });
    await tamper(`DELETE FROM audit_log WHERE chain = 'org:${org.orgId}' AND seq = 2`);
    expect((await call(t.app, org, { method: 'GET', url: '/api/v1/audit/verify' })).json()).toMatchObject({ ok: false, seq: 3, problem: 'missing' });

    const other = await register(t.app);
    for (const name of ['a', 'b', 'c']) await call(t.app, other, { method: 'POST', url: '/api/v1/api-keys', payload: { name } });
    const chain = `org:${other.orgId}`;
    await tamper(`UPDATE audit_log SET seq = 100 WHERE chain = '${chain}' AND seq = 2`);
    await tamper(`UPDATE audit_log SET seq = 2 WHERE chain = '${chain}' AND seq = 3`);
    await tamper(`UPDATE audit_log SET seq = 3 WHERE chain = '${chain}' AND seq = 100`);
    expect((await call(t.app, other, { method: 'GET', url: '/api/v1/audit/verify' })).json()).toMatchObject({ ok: false, seq: 2, problem: 'reordered' });
  });

  it('notices entries cut from the end', async () => {
    const org = await register(t.app);
    await call(t.app, org, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'last' } });
    await tamper(`DELETE FROM audit_log WHERE chain = 'org:${org.orgId}' AND seq = 2`);
    expect((await call(t.app, org, { method: 'GET', url: '/api/v1/audit/verify' })).json()).toMatchObject({ ok: false, problem: 'truncated' });
  });

  it('exports JSON Lines and CSV in chain order', async () => {
    const jsonl = await call(t.app, admin, { method: 'GET', url: '/api/v1/audit/export?format=jsonl' });
    expect(jsonl.headers['content-type']).toContain('application/x-ndjson');
    const rows = jsonl.body.trim().split('\n').map((line) => JSON.parse(line));
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    const csv = await call(t.app, admin, { method: 'GET', url: '/api/v1/audit/export?format=csv' });
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toMatch(/^seq,at,actorType/);
    expect(lines.length).toBe(rows.length + 1);
  });
});
