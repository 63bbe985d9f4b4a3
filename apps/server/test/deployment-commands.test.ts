import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { COMMAND_MAX_ATTEMPTS } from '../src/modules/deployments/agent-commands.js';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';

let t: TestApp;
let admin: Account;
let owner: Account;
let otherMember: Account;
let reviewer: Account;
let publisher: Account;
type Agent = { agentId: string; token: string };
let mine: Agent;
let theirs: Agent;

async function enrolledAgent(account: Account, name: string): Promise<Agent> {
  const { code } = (await call(t.app, account, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  const body = (await t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name, hostname: name, os: 'linux' } })).json();
  const token = (await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: body.clientId, client_secret: body.clientSecret } })).json().access_token;
  return { agentId: body.agentId, token };
}

const report = async (agent: Agent, payload: object) => (await call(t.app, agent, { method: 'POST', url: '/api/v1/agents/reports', payload })).json().deploymentId as string;
const rollback = (who: Account, id: string) => call(t.app, who, { method: 'POST', url: `/api/v1/deployments/${id}/rollback` });
const remove = (who: Account, id: string) => call(t.app, who, { method: 'DELETE', url: `/api/v1/deployments/${id}` });
const detail = async (id: string) => (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments/${id}` })).json();
const heartbeat = async (agent: Agent) => (await call(t.app, agent, { method: 'POST', url: '/api/v1/agents/heartbeat', payload: { version: '1', os: 'linux', runtimes: ['process'], apps: [] } })).json();
const poll = async (agent: Agent) => (await call(t.app, agent, { method: 'GET', url: '/api/v1/agents/commands' })).json().commands as any[];
const close = (agent: Agent, id: string, payload: object) => call(t.app, agent, { method: 'POST', url: `/api/v1/agents/commands/${id}`, payload });

/** Two healthy versions of an app on an agent, the second one running now. */
async function twoVersions(agent: Agent, app: string) {
  const v1 = await report(agent, { app, version: '1.0.0', state: 'healthy' });
  const v2 = await report(agent, { app, version: '1.1.0', state: 'healthy' });
  return { v1, v2 };
}

beforeAll(async () => {
  t = await createTestApp({ env: { ROOT_KEY_PASSPHRASE: 'a test root key passphrase' } });
  admin = await register(t.app, { organization: 'Commands Org' });
  owner = await addUser(t.app, admin, ['member']);
  otherMember = await addUser(t.app, admin, ['member']);
  reviewer = await addUser(t.app, admin, ['reviewer']);
  publisher = await addUser(t.app, admin, ['publisher']);
  mine = await enrolledAgent(owner, 'owners-laptop');
  theirs = await enrolledAgent(otherMember, 'other-laptop');
});
afterAll(async () => t.close());

describe('rollback and remove from the server', () => {
  it('lets the agent’s owner and publishers ask, shows the request to reviewers only, and hides it from other members', async () => {
    const { v2 } = await twoVersions(mine, 'visible');
    expect((await rollback(otherMember, v2)).statusCode).toBe(404);
    expect((await remove(otherMember, v2)).statusCode).toBe(404);
    const denied = await rollback(reviewer, v2);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('ROLE_REQUIRED');

    const asked = await rollback(owner, v2);
    expect(asked.statusCode).toBe(202);
    const { command } = asked.json();
    expect(command).toMatchObject({ type: 'rollback', state: 'queued', deploymentId: v2, createdAt: expect.any(String) });
    // a second click (here by a publisher) is the same command
    const again = await rollback(publisher, v2);
    expect(again.statusCode).toBe(202);
    expect(again.json().command.id).toBe(command.id);
    // a different command for the same app while this one is open is refused and names the open one
    const conflict = await remove(owner, v2);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ code: 'COMMAND_PENDING', command: { id: command.id } });

    const items = (await call(t.app, owner, { method: 'GET', url: '/api/v1/deployments?app=visible' })).json().items;
    expect(items.find((d: any) => d.id === v2)).toMatchObject({ agentName: 'owners-laptop', appTitle: null, pendingCommand: { id: command.id, type: 'rollback', state: 'queued' } });
    expect(items.find((d: any) => d.id !== v2).pendingCommand).toBeNull();

    const audit = (await call(t.app, admin, { method: 'GET', url: '/api/v1/audit?action=deployment.rollback&limit=10' })).json().items;
    expect(audit.map((entry: any) => entry.result).sort()).toEqual(['denied', 'failure', 'success', 'success']);
    expect(audit.find((entry: any) => entry.result === 'success')).toMatchObject({ targetType: 'deployment', targetId: v2, details: { app: 'visible', version: '1.1.0', commandId: command.id } });
  });

  it('refuses what the agent cannot do, each with its own code', async () => {
    const single = await report(mine, { app: 'single', version: '1.0.0', state: 'healthy' });
    const none = await rollback(owner, single);
    expect(none.statusCode).toBe(409);
    expect(none.json().code).toBe('NO_EARLIER_VERSION');

    const { v1, v2 } = await twoVersions(mine, 'pair');
    const notCurrent = await rollback(owner, v1);
    expect(notCurrent.statusCode).toBe(409);
    expect(notCurrent.json()).toMatchObject({ code: 'DEPLOYMENT_NOT_CURRENT', detail: expect.stringContaining('1.1.0 is the version it runs now') });

    // once the app was removed, the versions before it no longer count
    await report(mine, { app: 'pair', version: '1.1.0', state: 'removed' });
    expect((await remove(owner, v2)).json().code).toBe('DEPLOYMENT_REMOVED');
    expect((await rollback(owner, v2)).json().code).toBe('DEPLOYMENT_REMOVED');
    const again = await report(mine, { app: 'pair', version: '1.2.0', state: 'healthy' });
    expect((await rollback(owner, again)).json().code).toBe('NO_EARLIER_VERSION');
    expect((await remove(owner, again)).statusCode).toBe(202);

    const failed = await report(mine, { app: 'broken', version: '2.0.0', state: 'rolled-back', reason: { code: 'HEALTH_CHECK_FAILED', message: 'no' } });
    expect((await remove(owner, failed)).json().code).toBe('DEPLOYMENT_NOT_CURRENT');
    expect((await rollback(owner, randomUUID())).statusCode).toBe(404);
  });

  it('says in each deployment whether it is the running version and what a rollback would go back to', async () => {
    const listed = async () => (await call(t.app, owner, { method: 'GET', url: '/api/v1/deployments?app=standing' })).json().items as { id: string; current: boolean; rollbackTo: string | null }[];
    const only = await report(mine, { app: 'standing', version: '1.0.0', state: 'healthy' });
    expect(await listed()).toEqual([expect.objectContaining({ id: only, current: true, rollbackTo: null })]);
    const newer = await report(mine, { app: 'standing', version: '1.1.0', state: 'healthy' });
    const byId = new Map((await listed()).map((d) => [d.id, d]));
    expect(byId.get(newer)).toMatchObject({ current: true, rollbackTo: '1.0.0' });
    expect(byId.get(only)).toMatchObject({ current: false, rollbackTo: null });
    expect(await detail(newer)).toMatchObject({ current: true, rollbackTo: '1.0.0' });
    // after a removal the versions from before it are no rollback target
    await report(mine, { app: 'standing', version: '1.1.0', state: 'removed' });
    const again = await report(mine, { app: 'standing', version: '1.2.0', state: 'healthy' });
    expect((await listed()).find((d) => d.id === again)).toMatchObject({ current: true, rollbackTo: null });
  });

  it('delivers commands with heartbeats and polls, sends an unanswered one again, and lets only its agent close it', async () => {
    const { v1, v2 } = await twoVersions(theirs, 'delivered');
    const { command } = (await rollback(admin, v2)).json();
    const beat = await heartbeat(theirs);
    expect(beat.commands).toEqual([{ id: command.id, type: 'rollback', app: 'delivered', version: '1.1.0', deploymentId: v2 }]);
    expect(await poll(theirs)).toEqual([]);
    expect((await poll(mine)).map((c) => c.id)).not.toContain(command.id);
    expect((await detail(v2)).pendingCommand).toEqual({ id: command.id, type: 'rollback', state: 'sent' });

    // the agent crashed before answering: after the timeout the command comes again
    const db = t.database.db as Db;
    await db.updateTable('agent_commands').set({ updated_at: sql<Date>`now() - interval '6 minutes'` }).where('id', '=', command.id).execute();
    expect((await poll(theirs)).map((c) => c.id)).toEqual([command.id]);

    expect((await close(mine, command.id, { state: 'done' })).statusCode).toBe(404);
    await report(theirs, { app: 'delivered', version: '1.1.0', state: 'rolled-back', reason: { code: 'SERVER_ROLLBACK', message: 'back to 1.0.0' } });
    await report(theirs, { app: 'delivered', version: '1.0.0', state: 'healthy' });
    const closed = await close(theirs, command.id, { state: 'done' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json().command).toMatchObject({ id: command.id, state: 'done' });
    // closing again (a resend after a crash) changes nothing
    expect((await close(theirs, command.id, { state: 'failed', reason: { code: 'X', message: 'late' } })).json().command.state).toBe('done');
    expect(await detail(v2)).toMatchObject({ state: 'rolled-back', pendingCommand: null, commands: [{ id: command.id, type: 'rollback', state: 'done' }] });
    expect((await detail(v1)).state).toBe('healthy');
    const closes = (await call(t.app, admin, { method: 'GET', url: '/api/v1/audit?action=agent.command&limit=10' })).json().items;
    expect(closes.map((entry: any) => entry.result).sort()).toEqual(['failure', 'success', 'success']);

    // the earlier version now runs, with nothing older to go back to
    expect((await rollback(admin, v1)).json().code).toBe('NO_EARLIER_VERSION');
  });

  it('fails a command its agent never confirms, with a reason the web can show', async () => {
    const { v2 } = await twoVersions(theirs, 'silent');
    const { command } = (await remove(admin, v2)).json();
    const db = t.database.db as Db;
    for (let attempt = 0; attempt < COMMAND_MAX_ATTEMPTS; attempt += 1) {
      expect((await poll(theirs)).map((c) => c.id)).toEqual([command.id]);
      await db.updateTable('agent_commands').set({ updated_at: sql<Date>`now() - interval '6 minutes'` }).where('id', '=', command.id).execute();
    }
    expect(await poll(theirs)).toEqual([]);
    expect((await detail(v2)).commands).toMatchObject([{ id: command.id, state: 'failed', reason: { code: 'COMMAND_UNANSWERED' } }]);
    // and a new one can be asked for
    expect((await remove(admin, v2)).statusCode).toBe(202);
  });

  it('names the catalog title when the deployment is linked to a catalog app', async () => {
    const appId = randomUUID();
    const db = t.database.db as Db;
    await db.insertInto('apps').values({ id: appId, org_id: admin.orgId, name: 'titled', title: 'Room booking', summary: 's', kind: 'api-service', tags: [], spec: '{}', latest_version: '1.0.0', author_id: admin.userId }).execute();
    await t.app.deployments.record({ orgId: admin.orgId, agentId: mine.agentId, app: 'titled', version: '1.0.0', state: 'healthy', appId });
    expect((await call(t.app, owner, { method: 'GET', url: `/api/v1/deployments?appId=${appId}` })).json().items).toMatchObject([{ appTitle: 'Room booking', agentName: 'owners-laptop', pendingCommand: null }]);
  });

  it('asks the agent for the latest log lines: one open request per deployment, beside rollbacks, the answer kept as the tail and the page told', async () => {
    const { v2 } = await twoVersions(mine, 'logged');
    const ask = () => call(t.app, owner, { method: 'POST', url: `/api/v1/deployments/${v2}/logs` });
    // the agent was last in touch an hour ago: the page is told it may not answer soon
    const db = t.database.db as Db;
    await db.updateTable('agents').set({ last_seen_at: sql<Date>`now() - interval '1 hour'` }).where('id', '=', mine.agentId).execute();
    const first = await ask();
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ command: { type: 'logs', state: 'queued', deploymentId: v2 }, agentOnline: false, agentLastSeenAt: expect.any(String) });
    const { command } = first.json();
    // now it is back (a heartbeat or a report marks it seen)
    await db.updateTable('agents').set({ last_seen_at: new Date() }).where('id', '=', mine.agentId).execute();
    const second = await ask();
    expect(second.json()).toMatchObject({ command: { id: command.id }, agentOnline: true, agentLastSeenAt: expect.any(String) });
    // a logs request is no rollback or removal: it blocks neither, and the row shows no pending command
    expect((await detail(v2)).pendingCommand).toBeNull();
    const rolled = await rollback(owner, v2);
    expect(rolled.statusCode).toBe(202);
    expect((await call(t.app, otherMember, { method: 'POST', url: `/api/v1/deployments/${v2}/logs` })).statusCode).toBe(404);

    // an agent that does not say it runs logs commands (one from before them ran any other type as a rollback) never gets one
    expect((await poll(mine)).map((c) => c.type)).toEqual(['rollback']);
    expect((await call(t.app, mine, { method: 'GET', url: '/api/v1/agents/commands?types=rollback,shutdown' })).statusCode).toBe(400);
    const delivered = (await call(t.app, mine, { method: 'GET', url: '/api/v1/agents/commands?types=rollback,remove,logs' })).json().commands;
    expect(delivered).toEqual([{ id: command.id, type: 'logs', app: 'logged', version: '1.1.0', deploymentId: v2 }]);
    const events: any[] = [];
    const unsubscribe = t.app.events.subscribe(admin.orgId, (event: any) => void events.push(event));
    expect((await close(mine, command.id, { state: 'done', logTail: 'line one\nlistening on 8080\n' })).statusCode).toBe(200);
    unsubscribe();
    expect(events.filter((event) => event.type === 'deployment').map((event) => event.data.id)).toEqual([v2]);
    const seen = await detail(v2);
    expect(seen).toMatchObject({ logTail: 'line one\nlistening on 8080\n', logTailAt: expect.any(String), logsRequest: { id: command.id, type: 'logs', state: 'done' } });
    expect(seen.commands.map((c: any) => c.type)).toEqual(['rollback']);
    // a new request after the answer is a new command
    expect((await ask()).json().command.id).not.toBe(command.id);

    await report(mine, { app: 'logged', version: '1.1.0', state: 'removed' });
    const gone = await ask();
    expect(gone.statusCode).toBe(409);
    expect(gone.json().code).toBe('DEPLOYMENT_REMOVED');
    const audit = (await call(t.app, admin, { method: 'GET', url: '/api/v1/audit?action=deployment.logs&limit=10' })).json().items;
    expect(audit.filter((entry: any) => entry.result === 'success')).toHaveLength(3);
  });

  it('keeps the reason’s notices an agent sends, so the page words them in its language', async () => {
    const reason = { code: 'READ_PATH_MISSING', message: 'notes 1.0.0 reads a workstation file that it cannot read yet: …', notices: [{ code: 'deployment.readPathMissing', params: { app: 'notes', version: '1.0.0', files: '/srv/x.csv (INPUT)' } }] };
    const id = await report(mine, { app: 'noticed', version: '1.0.0', state: 'healthy', reason });
    expect((await detail(id)).reason).toEqual(reason);
    const refused = await call(t.app, mine, { method: 'POST', url: '/api/v1/agents/reports', payload: { app: 'noticed', version: '1.0.0', state: 'healthy', reason: { ...reason, notices: [{ code: 'Not a code', params: {} }] } } });
    expect(refused.statusCode).toBe(400);
  });
});
