import { randomUUID } from 'node:crypto';
import type { JobQueue } from '@marketplace/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';

/**
 * Installing again what was removed from a workstation sends it again (a new delivery, so a new
 * e-mail the agent accepts), while a second click on a version still there answers the delivery it
 * already has; redeploy always sends a new one once the last one left; a deployment's history is
 * its own route.
 */
let t: TestApp;
let admin: Account;
let owner: Account;
let stranger: Account;
let agent: { agentId: string; token: string };
let appId: string;
const sent: string[] = [];
const jobs = { send: async (_name: string, data: { deliveryId: string }) => void sent.push(data.deliveryId) } as unknown as JobQueue;

async function enrol(account: Account, name: string) {
  const { code } = (await call(t.app, account, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  const body = (await t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name, hostname: name, os: 'linux' } })).json();
  const token = (await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: body.clientId, client_secret: body.clientSecret } })).json().access_token;
  return { agentId: body.agentId as string, token: token as string };
}

const db = () => t.database.db as Db;
const install = async () => {
  const response = await call(t.app, owner, { method: 'POST', url: `/api/v1/apps/${appId}/versions/1.0.0/distribute`, payload: {} });
  expect(response.statusCode, response.body).toBe(202);
  return response.json().deliveries[0] as { id: string; existing: boolean; state: string };
};
const markSent = (id: string) => db().updateTable('deliveries').set({ state: 'sent', sent_at: new Date() }).where('id', '=', id).execute();
const report = async (payload: object) => (await call(t.app, agent, { method: 'POST', url: '/api/v1/agents/reports', payload: { app: 'lunch-orders', version: '1.0.0', ...payload } })).json().deploymentId as string;

beforeAll(async () => {
  t = await createTestApp({ jobs });
  admin = await register(t.app, { organization: 'Again Org' });
  owner = await addUser(t.app, admin, ['member']);
  stranger = await addUser(t.app, admin, ['member']);
  agent = await enrol(owner, 'owners-laptop');
  appId = randomUUID();
  await db().insertInto('apps').values({ id: appId, org_id: admin.orgId, name: 'lunch-orders', title: 'Lunch orders', summary: 's', kind: 'form-app', tags: [], spec: '{}', latest_version: '1.0.0', author_id: owner.userId }).execute();
  await db()
    .insertInto('app_versions')
    .values({ id: randomUUID(), app_id: appId, org_id: admin.orgId, version: '1.0.0', request_id: null, spec: '{}', manifest: '{}', changelog: null, bundle_sha256: 'a'.repeat(64), bundle_size: 1, key_id: 'k', release_json: '{}', validation_report: '{}', scan_report: '{}', published_by: owner.userId })
    .execute();
});
afterAll(async () => t.close());

describe('installing again and redeploying', () => {
  it('sends a removed version again as a new delivery, and says so when it is still there', async () => {
    const first = await install();
    expect(first.existing).toBe(false);
    expect(sent).toEqual([first.id]);
    await markSent(first.id);
    const deploymentId = await report({ state: 'healthy' });
    // a second click while it runs: the same delivery, nothing sent
    const second = await install();
    expect(second).toMatchObject({ id: first.id, existing: true, state: 'sent' });
    expect(sent).toHaveLength(1);

    await new Promise((resolve) => setTimeout(resolve, 5));
    await report({ deploymentId, state: 'removed', reason: { code: 'SERVER_REMOVE', message: 'Removed from this workstation.' } });
    const again = await install();
    expect(again.existing).toBe(false);
    expect(again.id).not.toBe(first.id);
    expect(sent).toEqual([first.id, again.id]);
    // a double click on the new one is that one
    expect(await install()).toMatchObject({ id: again.id, existing: true, state: 'queued' });

    const history = await call(t.app, owner, { method: 'GET', url: `/api/v1/deployments/${deploymentId}/events` });
    expect(history.statusCode, history.body).toBe(200);
    expect(history.json().items.map((event: { state: string }) => event.state)).toEqual(['healthy', 'removed']);
    expect(history.json().items[1].reason.code).toBe('SERVER_REMOVE');
    expect((await call(t.app, stranger, { method: 'GET', url: `/api/v1/deployments/${deploymentId}/events` })).statusCode).toBe(404);
  });

  it('sends a version again once it was rolled back there, rather than saying it is still there', async () => {
    const last = await db().selectFrom('deliveries').select('id').where('agent_id', '=', agent.agentId).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    await markSent(last.id);
    const deploymentId = await report({ state: 'healthy' });
    expect(await install()).toMatchObject({ id: last.id, existing: true });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await report({ deploymentId, state: 'rolled-back', reason: { code: 'SERVER_ROLLBACK', message: 'Rolled back to 0.9.0.' } });
    const again = await install();
    expect(again).toMatchObject({ existing: false, state: 'queued' });
    expect(again.id).not.toBe(last.id);
  });

  it('redeploys the same version to the same agent as a new delivery, once per click', async () => {
    const deploymentId = await report({ state: 'healthy' });
    expect((await call(t.app, stranger, { method: 'POST', url: `/api/v1/deployments/${deploymentId}/redeploy` })).statusCode).toBe(404);
    const last = await db().selectFrom('deliveries').select('id').where('agent_id', '=', agent.agentId).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    // the delivery from the install is still queued: redeploy answers it
    const waiting = await call(t.app, owner, { method: 'POST', url: `/api/v1/deployments/${deploymentId}/redeploy` });
    expect(waiting.statusCode, waiting.body).toBe(202);
    expect(waiting.json().delivery).toMatchObject({ id: last.id, existing: true });
    await markSent(last.id);
    const count = sent.length;
    const redeployed = await call(t.app, owner, { method: 'POST', url: `/api/v1/deployments/${deploymentId}/redeploy` });
    expect(redeployed.statusCode, redeployed.body).toBe(202);
    expect(redeployed.json().delivery).toMatchObject({ existing: false, state: 'queued', agentId: agent.agentId });
    expect(sent).toHaveLength(count + 1);
    const audit = await call(t.app, admin, { method: 'GET', url: '/api/v1/audit?action=deployment.redeploy' });
    expect(audit.body).toContain(deploymentId);
  });

  it('sends a version again to a workstation that refused it (an expired delivery), rather than saying it is there', async () => {
    const laptop = await enrol(owner, 'owners-second-laptop');
    const toLaptop = async () => {
      // my own workstations: the other laptop's delivery is answered as it is, this one's is the one to look at
      const response = await call(t.app, owner, { method: 'POST', url: `/api/v1/apps/${appId}/versions/1.0.0/distribute`, payload: {} });
      expect(response.statusCode, response.body).toBe(202);
      return (response.json().deliveries as { id: string; existing: boolean; agentId: string }[]).find((delivery) => delivery.agentId === laptop.agentId)!;
    };
    const first = await toLaptop();
    await markSent(first.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await call(t.app, laptop, { method: 'POST', url: '/api/v1/agents/reports', payload: { app: 'lunch-orders', version: '1.0.0', state: 'rejected', reason: { code: 'DELIVERY_EXPIRED', message: 'The delivery expired.' } } });
    const again = await toLaptop();
    expect(again.existing).toBe(false);
    expect(again.id).not.toBe(first.id);
  });

  it('refuses to redeploy a version the catalog does not have', async () => {
    const handInstalled = await report({ app: 'hand-made', version: '0.1.0', state: 'healthy' });
    const refused = await call(t.app, owner, { method: 'POST', url: `/api/v1/deployments/${handInstalled}/redeploy` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('DEPLOYMENT_NOT_IN_CATALOG');
  });
});
