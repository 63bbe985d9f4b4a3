import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';

let t: TestApp;
let admin: Account;
let member: Account;
let otherMember: Account;
const agents: { agentId: string; token: string }[] = [];

async function enrolledAgent(owner: Account) {
  const { code } = (await call(t.app, owner, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  const body = (await t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'box', hostname: 'box', os: 'linux' } })).json();
  const token = (await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: body.clientId, client_secret: body.clientSecret } })).json().access_token;
  return { agentId: body.agentId as string, token: token as string };
}

const report = (agent: { token: string }, payload: object) => call(t.app, agent, { method: 'POST', url: '/api/v1/agents/reports', payload });

beforeAll(async () => {
  t = await createTestApp({ env: { ROOT_KEY_PASSPHRASE: 'a test root key passphrase' } });
  admin = await register(t.app, { organization: 'Deploy Org' });
  member = await addUser(t.app, admin, ['member']);
  otherMember = await addUser(t.app, admin, ['member']);
  agents.push(await enrolledAgent(member), await enrolledAgent(otherMember));
});
afterAll(async () => t.close());

describe('deployments', () => {
  it('follows reports through their states, keeps the history, and filters by app, agent and state', async () => {
    const [a, b] = agents as [(typeof agents)[0], (typeof agents)[0]];
    for (const state of ['received', 'deploying', 'healthy']) expect((await report(a, { app: 'notes', version: '1.0.0', state, health: state === 'healthy' ? { ok: true, latencyMs: 3 } : undefined })).statusCode).toBe(201);
    await report(a, { app: 'notes', version: '1.1.0', state: 'deploying' });
    await report(a, { app: 'notes', version: '1.1.0', state: 'rolled-back', reason: { code: 'HEALTH_TIMEOUT', message: 'GET /healthz did not answer 200 within 5 s' }, logTail: 'Error: boom\n' });
    await report(b, { app: 'timesheet', version: '0.3.0', state: 'rejected', reason: { code: 'SIGNATURE_INVALID', message: 'altered' } });

    const list = (query: string, who: Account = admin) => call(t.app, who, { method: 'GET', url: `/api/v1/deployments${query}` }).then((r) => r.json().items);
    expect((await list('?app=notes')).map((d: any) => `${d.version} ${d.state}`).sort()).toEqual(['1.0.0 healthy', '1.1.0 rolled-back']);
    expect(await list('?state=rolled-back')).toMatchObject([{ app: 'notes', version: '1.1.0', reason: { code: 'HEALTH_TIMEOUT' } }]);
    expect((await list(`?agentId=${b.agentId}`)).map((d: any) => d.app)).toEqual(['timesheet']);
    // a healthy report says where the app answers; only an http(s) address is taken
    await report(a, { app: 'notes', version: '1.0.0', state: 'healthy', health: { ok: true, url: 'http://127.0.0.1:41234/' } });
    expect((await list('?app=notes&state=healthy'))[0].health).toMatchObject({ ok: true, url: 'http://127.0.0.1:41234/' });
    const script = await report(a, { app: 'notes', version: '1.0.0', state: 'healthy', health: { ok: true, url: 'javascript:alert(1)' } });
    expect(script.statusCode).toBe(400);
    expect(script.body).toContain('http(s) URL');
    const invalid = await call(t.app, admin, { method: 'GET', url: '/api/v1/deployments?state=sideways' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('state');

    const rolledBack = (await list('?state=rolled-back'))[0];
    const detail = (await call(t.app, member, { method: 'GET', url: `/api/v1/deployments/${rolledBack.id}` })).json();
    expect(detail.history.map((h: any) => h.state)).toEqual(['deploying', 'rolled-back']);
    expect(detail.logTail).toContain('boom');

    // members see the deployments of their own agents only
    expect((await list('', member)).every((d: any) => d.agentId === a.agentId)).toBe(true);
    expect((await call(t.app, otherMember, { method: 'GET', url: `/api/v1/deployments/${rolledBack.id}` })).statusCode).toBe(404);
  });

  it('keeps the catalog app id linked by the server on later reports', async () => {
    const [a] = agents as [(typeof agents)[0]];
    const appId = '0b8e5a3c-3c0e-4e0a-9a57-2d0f2d1f6b11';
    await t.app.deployments.record({ orgId: admin.orgId, agentId: a.agentId, app: 'linked', version: '1.0.0', state: 'received', appId });
    await report(a, { app: 'linked', version: '1.0.0', state: 'healthy' });
    const items = (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments?appId=${appId}` })).json().items;
    expect(items).toMatchObject([{ app: 'linked', state: 'healthy', appId }]);
  });

  it('keeps the latest log lines the agent sent until it sends newer ones, bounded', async () => {
    const [a] = agents as [(typeof agents)[0]];
    const id = (await report(a, { app: 'logged', version: '1.0.0', state: 'healthy', logTail: 'listening on 4100\n' })).json().deploymentId;
    const tail = async () => (await call(t.app, member, { method: 'GET', url: `/api/v1/deployments/${id}` })).json().logTail;
    // a later report without lines (a health change seen by an older agent) keeps the last ones
    await report(a, { app: 'logged', version: '1.0.0', state: 'unhealthy' });
    expect(await tail()).toBe('listening on 4100\n');
    await report(a, { app: 'logged', version: '1.0.0', state: 'healthy', logTail: `${'x'.repeat(40_000)}\nlast line\n` });
    const latest = await tail();
    expect(latest.length).toBeLessThanOrEqual(16_384);
    expect(latest.endsWith('last line\n')).toBe(true);
  });

  it('keeps a version installed again (Redeploy) healthy and current when the fresh copy failed and the copy before serves, with the attempt in its history', async () => {
    const [a] = agents as [(typeof agents)[0]];
    const served = { ok: true, url: 'http://127.0.0.1:41500/' };
    const get = async (id: string) => (await call(t.app, member, { method: 'GET', url: `/api/v1/deployments/${id}` })).json();
    const list = async (query: string) => (await call(t.app, member, { method: 'GET', url: `/api/v1/deployments${query}` })).json().items as any[];

    // an agent that knows REINSTALL_FAILED: the version is reported healthy again, the attempt in its reason
    const id = (await report(a, { app: 'redeployed', version: '1.0.0', state: 'healthy', health: served })).json().deploymentId;
    await report(a, { app: 'redeployed', version: '1.0.0', state: 'received' });
    await report(a, { app: 'redeployed', version: '1.0.0', state: 'deploying' });
    const why = {
      code: 'REINSTALL_FAILED',
      message: 'redeployed 1.0.0 installed again did not become healthy: GET /healthz answered 500. The copy installed before keeps serving.',
      notices: [{ code: 'deployment.reinstallHealthFailed', params: { app: 'redeployed', version: '1.0.0' } }, { code: 'health.answered', params: { path: '/healthz', status: 500 } }, { code: 'deployment.previousCopyServes', params: {} }],
    };
    expect((await report(a, { app: 'redeployed', version: '1.0.0', state: 'healthy', reason: why, health: served, logTail: 'Error: broken on purpose\n' })).statusCode).toBe(201);
    expect(await get(id)).toMatchObject({ state: 'healthy', current: true, health: served, reason: { code: 'REINSTALL_FAILED' }, logTail: expect.stringContaining('broken on purpose') });
    expect((await get(id)).history.map((h: any) => `${h.state}${h.reason ? ` ${h.reason.code}` : ''}`)).toEqual(['healthy', 'received', 'deploying', 'healthy REINSTALL_FAILED']);
    expect((await list('?app=redeployed&state=healthy')).map((d) => d.version)).toEqual(['1.0.0']);

    // an older agent said `rolled-back` of the version it says keeps serving: recorded as serving, its failed health in the history only
    const old = (await report(a, { app: 'redeployed-old', version: '2.0.0', state: 'healthy', health: served })).json().deploymentId;
    await report(a, { app: 'redeployed-old', version: '2.0.0', state: 'deploying' });
    const failedHealth = { ok: false, detail: 'GET /healthz answered 500', latencyMs: 2 };
    await report(a, {
      app: 'redeployed-old',
      version: '2.0.0',
      state: 'rolled-back',
      reason: { code: 'HEALTH_CHECK_FAILED', message: 'redeployed-old 2.0.0 did not become healthy: GET /healthz answered 500. 2.0.0 keeps serving.', notices: [{ code: 'deployment.healthCheckFailed', params: { app: 'redeployed-old', version: '2.0.0' } }, { code: 'deployment.keepsServing', params: { version: '2.0.0' } }] },
      health: failedHealth,
    });
    const older = await get(old);
    expect(older).toMatchObject({ state: 'healthy', current: true, reason: { code: 'REINSTALL_FAILED', message: expect.stringContaining('2.0.0 keeps serving') } });
    expect(older.health?.ok).not.toBe(false);
    expect(older.history.at(-1)).toMatchObject({ state: 'healthy', reason: { code: 'REINSTALL_FAILED' }, health: failedHealth });

    // a failed upgrade (another version keeps serving) is still rolled back
    await report(a, { app: 'redeployed-old', version: '2.1.0', state: 'rolled-back', reason: { code: 'HEALTH_CHECK_FAILED', message: 'x', notices: [{ code: 'deployment.keepsServing', params: { version: '2.0.0' } }] } });
    expect((await list('?app=redeployed-old')).map((d) => `${d.version} ${d.state}`).sort()).toEqual(['2.0.0 healthy', '2.1.0 rolled-back']);
  });

  it('refuses a report naming another agent’s deployment', async () => {
    const [a, b] = agents as [(typeof agents)[0], (typeof agents)[0]];
    const id = (await report(a, { app: 'mine', version: '1.0.0', state: 'healthy' })).json().deploymentId;
    const response = await report(b, { deploymentId: id, app: 'mine', version: '1.0.0', state: 'removed' });
    expect(response.statusCode).toBe(404);
    const detail = (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments/${id}` })).json();
    expect(detail.state).toBe('healthy');
  });
});
