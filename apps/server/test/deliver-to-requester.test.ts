import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverToRequester } from '../src/modules/distribution/deliver-to-requester.js';
import { createLocalEventBus } from '../src/modules/events/event-bus.js';
import type { Db } from '../src/db/schema.js';
import { addUser, call, createPipelineApp, register, type Account } from './helper.js';

/**
 * The publish step's delivery to the requester's own agents, run as the step runs it (again after a
 * crash, too), on the real job queue: each agent gets the version once, and a delivery whose send
 * job never started gets one on the retry.
 */
let env: Awaited<ReturnType<typeof createPipelineApp>>;
let admin: Account;
let requester: Account;
let agentIds: string[];
let appId: string;
let versionId: string;

async function enrol(account: Account, name: string): Promise<string> {
  const { code } = (await call(env.t.app, account, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  return (await env.t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name, hostname: name, os: 'linux' } })).json().agentId;
}

beforeAll(async () => {
  env = await createPipelineApp();
  admin = await register(env.t.app, { organization: 'Deliver Org' });
  requester = await addUser(env.t.app, admin, ['member']);
  agentIds = [await enrol(requester, 'laptop'), await enrol(requester, 'desktop')];
  await enrol(admin, 'admins-laptop');
  const db = env.t.database.db as Db;
  appId = randomUUID();
  versionId = randomUUID();
  await db.insertInto('apps').values({ id: appId, org_id: admin.orgId, name: 'lunch-orders', title: 'Lunch orders', summary: 's', kind: 'form-app', tags: [], spec: '{}', latest_version: '1.0.0', author_id: requester.userId }).execute();
  await db
    .insertInto('app_versions')
    .values({ id: versionId, app_id: appId, org_id: admin.orgId, version: '1.0.0', request_id: null, spec: '{}', manifest: '{}', changelog: null, bundle_sha256: 'a'.repeat(64), bundle_size: 1, key_id: 'k', release_json: '{}', validation_report: '{}', scan_report: '{}', published_by: requester.userId })
    .execute();
}, 120_000);
afterAll(async () => env?.close());

const deliveries = () => (env.t.database.db as Db).selectFrom('deliveries').selectAll().where('version_id', '=', versionId).orderBy('created_at').execute();

describe('delivery to the requester after publishing', () => {
  it('queues one delivery per agent of the requester, once, however often the step runs', async () => {
    const events = createLocalEventBus();
    const seen: string[] = [];
    events.subscribe(admin.orgId, (event) => seen.push(`${event.type} ${(event.data as { state: string }).state}`));
    const services = { db: env.t.database.db as Db, queue: env.queue, events, logger: pino({ level: 'silent' }) };
    const request = { id: randomUUID(), org_id: admin.orgId, user_id: requester.userId };
    expect(await deliverToRequester(services, request, { appId, versionId })).toBe(2);
    expect(await deliverToRequester(services, request, { appId, versionId })).toBe(2);
    // The requester's screens hear of each new delivery once.
    expect(seen).toEqual(['delivery queued', 'delivery queued']);
    const rows = await deliveries();
    expect(rows.map((row) => row.agent_id).sort()).toEqual([...agentIds].sort());

    // a crash between the insert and the job: the retry gives the unstarted delivery its job
    const db = env.t.database.db as Db;
    await db.deleteFrom('deliveries').where('agent_id', '=', agentIds[0]!).execute();
    await db.insertInto('deliveries').values({ id: randomUUID(), org_id: admin.orgId, app_id: appId, version_id: versionId, agent_id: agentIds[0]!, user_id: requester.userId, recipient: 'x@agents.test', state: 'queued', requested_by: requester.userId }).execute();
    await deliverToRequester(services, request, { appId, versionId });
    const deadline = Date.now() + 20_000;
    let row = (await deliveries()).find((d) => d.agent_id === agentIds[0]);
    while (row?.attempts === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      row = (await deliveries()).find((d) => d.agent_id === agentIds[0]);
    }
    // the send job ran (this test app has no outgoing mail, so it is still retrying)
    expect(row!.attempts).toBeGreaterThan(0);
    // the explicit distribute to the same agents is the same deliveries
    const distributed = await call(env.t.app, admin, { method: 'POST', url: `/api/v1/apps/${appId}/versions/1.0.0/distribute`, payload: { agentIds } });
    expect(distributed.statusCode, distributed.body).toBe(202);
    expect(distributed.json().deliveries.map((d: { id: string }) => d.id).sort()).toEqual((await deliveries()).map((d) => d.id).sort());
  });

  it('sends nothing when the organisation turned it off', async () => {
    await call(env.t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { distribution: { deliverToRequester: false } } } });
    const services = { db: env.t.database.db as Db, queue: env.queue, events: createLocalEventBus(), logger: pino({ level: 'silent' }) };
    expect(await deliverToRequester(services, { id: randomUUID(), org_id: admin.orgId, user_id: admin.userId }, { appId, versionId })).toBe(0);
    expect((await deliveries()).map((d) => d.agent_id).sort()).toEqual([...agentIds].sort());
  });
});
