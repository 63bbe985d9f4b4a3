import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { addUser, call, createPipelineApp, register, type Account } from './helper.js';

/**
 * A new version of an app goes to the workstations that run an earlier one (an update of their
 * installs): at once, or held for a reviewer when the policy reviews releases sent to other people's
 * workstations, or not at all when the organisation turns `distribution.updateInstalls` off.
 */
let env: Awaited<ReturnType<typeof createPipelineApp>>;
let admin: Account;
let author: Account;
let colleague: Account;
let colleagueAgent: string;
let appId: string;
const db = () => env.t.database.db as Db;
const spec = (title: string) => ({ specVersion: 1, name: 'visitor-log', title, summary: 'Who visited the office.', kind: 'api-service', entities: [{ name: 'visit', fields: [{ name: 'visitor', type: 'string', required: true }] }] });

async function publish(title: string): Promise<{ version: string; versionId: string }> {
  const submitted = await call(env.t.app, author, { method: 'POST', url: '/api/v1/requests', payload: { spec: spec(title) } });
  expect(submitted.statusCode, submitted.body).toBe(202);
  for (const started = Date.now(); Date.now() - started < 240_000; await new Promise((r) => setTimeout(r, 300))) {
    const body = (await call(env.t.app, author, { method: 'GET', url: `/api/v1/requests/${submitted.json().id}` })).json();
    if (body.state === 'failed') throw new Error(JSON.stringify(body.steps));
    if (body.state === 'published') {
      appId = body.appId;
      const version = await db().selectFrom('app_versions').select('id').where('app_id', '=', body.appId).where('version', '=', body.version).executeTakeFirstOrThrow();
      return { version: body.version, versionId: version.id };
    }
  }
  throw new Error('the request was not published in time');
}

const deliveriesTo = (agentId: string, versionId: string) => db().selectFrom('deliveries').select('id').where('agent_id', '=', agentId).where('version_id', '=', versionId).execute();
const setSettings = (settings: object) => call(env.t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings } });

beforeAll(async () => {
  env = await createPipelineApp();
  admin = await register(env.t.app, { organization: `Updates ${randomUUID().slice(0, 8)}` });
  author = await addUser(env.t.app, admin, ['member']);
  colleague = await addUser(env.t.app, admin, ['member']);
  const { code } = (await call(env.t.app, colleague, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  const enrolled = await env.t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'colleague-laptop', hostname: 'colleague-host', os: 'linux' } });
  expect(enrolled.statusCode, enrolled.body).toBe(201);
  colleagueAgent = enrolled.json().agentId;
  await publish('Visitor log');
  // the colleague's workstation runs 1.0.0 (as its agent reported it)
  await db().insertInto('deployments').values({ id: randomUUID(), org_id: admin.orgId, agent_id: colleagueAgent, app_id: appId, app: 'visitor-log', version: '1.0.0', state: 'healthy', health: null, reason: null, log_tail: null }).execute();
}, 300_000);

afterAll(async () => {
  await env?.close();
});

describe('a new version updates the installs', () => {
  it("goes to a colleague's workstation that runs an earlier version, without a distribute", async () => {
    const { versionId } = await publish('Visitor log 2');
    expect(await deliveriesTo(colleagueAgent, versionId)).toHaveLength(1);
  }, 300_000);

  it('waits for a reviewer when the policy reviews releases sent to other people, and is not sent when updates are off', async () => {
    expect((await setSettings({ policy: { distributeToOthers: true } })).statusCode).toBe(200);
    const held = await publish('Visitor log 3');
    expect(await deliveriesTo(colleagueAgent, held.versionId)).toHaveLength(0);
    const approvals = await db().selectFrom('approvals').select(['kind', 'state']).where('org_id', '=', admin.orgId).where('kind', '=', 'distribute').execute();
    expect(approvals).toEqual([{ kind: 'distribute', state: 'waiting' }]);

    expect((await setSettings({ policy: { distributeToOthers: false }, distribution: { updateInstalls: false } })).statusCode).toBe(200);
    const off = await publish('Visitor log 4');
    expect(await deliveriesTo(colleagueAgent, off.versionId)).toHaveLength(0);
  }, 600_000);
});
