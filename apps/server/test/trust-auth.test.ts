import { createHash, randomUUID } from 'node:crypto';
import { createDatabase, createJobQueue, migrate, type JobQueue } from '@marketplace/db';
import { generateReleaseKey, loadPrivateKey } from '@marketplace/release';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobDefinitions } from '../src/composition/jobs.js';
import { migrations } from '../src/composition/migrations.js';
import { loadConfig } from '../src/config/config.js';
import type { Db } from '../src/db/schema.js';
import { CREDENTIAL_CACHE_MS } from '../src/modules/auth/authentication-plugin.js';
import { createLocalEventBus } from '../src/modules/events/event-bus.js';
import { jobName } from '../src/modules/pipeline/pipeline-steps.js';
import { saveOutputs } from '../src/modules/pipeline/pipeline-repository.js';
import { addUser, call, createTestApp, register, TEST_SECRET, type Account, type TestApp } from './helper.js';

/**
 * Trust attack corpus, credentials and app ownership (issue 12 items 2 and 3): each case shows nothing
 * changed, the reason is recorded (audit entry or problem code), and the legitimate flow beside it works.
 * Requests go through the real API into a real job queue (an API-only process: steps are queued, not
 * run); the publish step is run as the worker runs it, on outputs stored as earlier steps store them.
 */
let t: TestApp;
let db: Db;
let queue: JobQueue;
let publishStep: (requestId: string) => Promise<unknown>;
let admin: Account;
let database: Awaited<ReturnType<typeof createDatabase>>;

const waitOutCache = () => new Promise((resolve) => setTimeout(resolve, CREDENTIAL_CACHE_MS + 300));

beforeAll(async () => {
  database = await createDatabase({ memory: true });
  await migrate(database, migrations);
  queue = createJobQueue(database, { work: false });
  const releaseKey = generateReleaseKey();
  const services = {
    db: database.db as Db,
    config: loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, SMTP_LISTEN_PORT: '0' }),
    queue,
    keys: { signingKey: async () => ({ keyId: releaseKey.keyId, privateKey: loadPrivateKey(releaseKey.privateKey) }) },
    logger: pino({ level: 'silent' }),
    events: createLocalEventBus(),
    workDir: '/nonexistent-trust-auth-workdir',
    releaseValidityDays: 30,
  };
  const definitions = jobDefinitions(services);
  for (const job of definitions) queue.register(job);
  await queue.start();
  const publish = definitions.find((job) => job.name === jobName('publish'))!;
  t = await createTestApp({ database: database as never, jobs: queue, events: services.events });
  db = database.db as Db;
  admin = await register(t.app);
  publishStep = async (requestId) => {
    // What generate … sign leave behind: the version and a signed release (its content is not checked here).
    const request = await db.selectFrom('requests').select(['spec', 'org_id']).where('id', '=', requestId).executeTakeFirstOrThrow();
    const name = (request.spec as { name: string }).name;
    const app = await db.selectFrom('apps').select('latest_version').where('org_id', '=', request.org_id).where('name', '=', name).executeTakeFirst();
    const version = app?.latest_version ? `1.${Number(app.latest_version.split('.')[1]) + 1}.0` : '1.0.0';
    await db.updateTable('requests').set({ version, state: 'signing' }).where('id', '=', requestId).execute();
    const bundle = Buffer.from(`bundle of ${name} ${version}`);
    await saveOutputs(db, requestId, { manifest: { name, version }, validation_report: { ok: true }, scan_report: { verdict: 'clean', scanners: [] }, bundle, bundle_sha256: createHash('sha256').update(bundle).digest('hex'), bundle_size: bundle.length, release_json: '{}', key_id: releaseKey.keyId });
    return publish.handler({ orgId: request.org_id, requestId }, { jobId: randomUUID(), attempt: 1 } as never);
  };
}, 120_000);

afterAll(async () => {
  await queue?.stop({ graceful: false });
  await t?.close();
  await database?.close();
});

const spec = (name: string, title = 'Room booking') => ({ specVersion: 1, name, title, summary: `${title} for the office`, kind: 'api-service', entities: [{ name: 'room', fields: [{ name: 'label', type: 'string' }] }] });

async function submit(account: Account, name: string, title?: string) {
  const response = await call(t.app, account, { method: 'POST', url: '/api/v1/requests', payload: { spec: spec(name, title) } });
  expect(response.statusCode, response.body).toBe(202);
  const view = (await call(t.app, account, { method: 'GET', url: `/api/v1/requests/${response.json().id}` })).json();
  return { id: view.id as string, name: view.spec.name as string, notice: view.notice as string | null };
}

async function requestState(id: string) {
  return db.selectFrom('requests').select(['state', 'error', 'app_id']).where('id', '=', id).executeTakeFirstOrThrow();
}

const versionsOf = async (name: string) =>
  (await db.selectFrom('app_versions').innerJoin('apps', 'apps.id', 'app_versions.app_id').select('app_versions.version').where('apps.org_id', '=', admin.orgId).where('apps.name', '=', name).orderBy('app_versions.version').execute()).map((row) => row.version);

const appIdOf = async (name: string) => (await db.selectFrom('apps').select('id').where('org_id', '=', admin.orgId).where('name', '=', name).executeTakeFirstOrThrow()).id;

async function lastAudit(action: string) {
  return db.selectFrom('audit_log').selectAll().where('org_id', '=', admin.orgId).where('action', '=', action).orderBy('seq', 'desc').executeTakeFirst();
}

async function createKey(account: Account, roles: string[]) {
  const response = await call(t.app, account, { method: 'POST', url: '/api/v1/api-keys', payload: { name: `key ${roles.join(' ')}`, roles } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().key as string;
}

const withKey = (key: string) => ({ 'x-api-key': key });
const keyCount = async () => Number((await db.selectFrom('api_keys').select((eb) => eb.fn.countAll<string>().as('n')).where('org_id', '=', admin.orgId).executeTakeFirstOrThrow()).n);

describe('credentials follow their owner', () => {
  it('a demoted admin’s API key loses admin within seconds and cannot promote its creator back; a fresh key of an admin works', async () => {
    const other = await addUser(t.app, admin, ['admin']);
    const key = await createKey(other, ['admin']);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/${admin.userId}`, headers: withKey(key) })).statusCode).toBe(200);

    const demoted = await call(t.app, admin, { method: 'PATCH', url: `/api/v1/users/${other.userId}`, payload: { roles: ['member'] } });
    expect(demoted.statusCode, demoted.body).toBe(200);
    await waitOutCache();
    const attempt = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${other.userId}`, headers: withKey(key), payload: { roles: ['admin'] } });
    expect(attempt.statusCode).toBe(403);
    expect(attempt.json().code).toBe('ROLE_REQUIRED');
    expect((await db.selectFrom('users').select('roles').where('id', '=', other.userId).executeTakeFirstOrThrow()).roles).toEqual(['member']);
    const audit = await lastAudit('user.update');
    expect(audit).toMatchObject({ result: 'denied', actor_type: 'api-key', status_code: 403 });
    expect(audit!.details).toMatchObject({ code: 'ROLE_REQUIRED' });
    // Still a member: the key keeps what its creator still has.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/apps', headers: withKey(key) })).statusCode).toBe(200);

    const fresh = await createKey(admin, ['admin']);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/users/${other.userId}`, headers: withKey(fresh) })).statusCode).toBe(200);
  }, 30_000);

  it('a disabled admin’s API key cannot re-enable its creator', async () => {
    const other = await addUser(t.app, admin, ['admin']);
    const key = await createKey(other, ['admin']);
    const disabled = await call(t.app, admin, { method: 'PATCH', url: `/api/v1/users/${other.userId}`, payload: { status: 'disabled' } });
    expect(disabled.statusCode, disabled.body).toBe(200);
    await waitOutCache();
    const attempt = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${other.userId}`, headers: withKey(key), payload: { status: 'active' } });
    expect(attempt.statusCode).toBe(401);
    expect(attempt.json().code).toBe('API_KEY_OWNER_DISABLED');
    expect((await db.selectFrom('users').select('status').where('id', '=', other.userId).executeTakeFirstOrThrow()).status).toBe('disabled');
    const audit = await lastAudit('user.update');
    expect(audit).toMatchObject({ result: 'failure', status_code: 401 });
    expect(audit!.details).toMatchObject({ code: 'API_KEY_OWNER_DISABLED' });
    // An active admin's key still does what the disabled one may not.
    const fresh = await createKey(admin, ['admin']);
    const enabled = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${other.userId}`, headers: withKey(fresh), payload: { status: 'active' } });
    expect(enabled.statusCode, enabled.body).toBe(200);
  }, 30_000);

  it('an agent client created by a user who is then disabled can neither get a token nor use one', async () => {
    const other = await addUser(t.app, admin, ['admin']);
    const created = await call(t.app, other, { method: 'POST', url: '/api/v1/agent-clients', payload: { name: 'lab pc' } });
    expect(created.statusCode, created.body).toBe(201);
    const { clientId, clientSecret } = created.json();
    const grant = () => t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret } });
    const issued = await grant();
    expect(issued.statusCode, issued.body).toBe(200);
    const agentToken = { token: issued.json().access_token as string };

    await call(t.app, admin, { method: 'PATCH', url: `/api/v1/users/${other.userId}`, payload: { status: 'disabled' } });
    await waitOutCache();
    const refused = await grant();
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('AGENT_OWNER_DISABLED');
    const used = await call(t.app, agentToken, { method: 'POST', url: '/api/v1/agents/heartbeat', payload: {} });
    expect(used.statusCode).toBe(401);
    expect(used.json().code).toBe('AGENT_OWNER_DISABLED');
    expect((await lastAudit('agent.heartbeat'))!.details).toMatchObject({ code: 'AGENT_OWNER_DISABLED' });
    expect((await db.selectFrom('agent_clients').select('last_token_at').where('client_id', '=', clientId).executeTakeFirstOrThrow()).last_token_at).not.toBeNull();

    // An agent client of an active admin gets its token.
    const mine = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agent-clients', payload: { name: 'my pc' } })).json();
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: mine.clientId, client_secret: mine.clientSecret } });
    expect(ok.statusCode, ok.body).toBe(200);
  }, 30_000);

  it('a role removed outside this process (another server, directory sync) stops the user’s own token within seconds', async () => {
    const other = await addUser(t.app, admin, ['admin']);
    expect((await call(t.app, other, { method: 'GET', url: '/api/v1/api-keys' })).statusCode).toBe(200);
    await db.updateTable('users').set({ roles: ['member'] }).where('id', '=', other.userId).execute();
    await waitOutCache();
    const before = await keyCount();
    const attempt = await call(t.app, other, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'late', roles: ['admin'] } });
    expect((await lastAudit('api_key.create'))!.details).toMatchObject({ code: 'ROLE_REQUIRED' });
    expect(attempt.statusCode).toBe(403);
    expect(attempt.json().code).toBe('ROLE_REQUIRED');
    expect(await keyCount()).toBe(before);
    // The same token still works for what a member may do.
    expect((await call(t.app, other, { method: 'GET', url: '/api/v1/apps' })).statusCode).toBe(200);
  }, 30_000);

  it('a refresh token used twice ends the whole session: its access token and the newer refresh token stop working', async () => {
    const user = await addUser(t.app, admin, ['member']);
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: user.refreshToken } });
    expect(first.statusCode, first.body).toBe(200);
    const rotated = first.json();
    expect((await call(t.app, rotated, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);

    const reused = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: user.refreshToken } });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().code).toBe('REFRESH_INVALID');
    const newer = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: rotated.refreshToken } });
    expect(newer.statusCode).toBe(401);
    const me = await call(t.app, rotated, { method: 'GET', url: '/api/v1/auth/me' });
    expect(me.statusCode).toBe(401);
    expect(me.json().code).toBe('SESSION_ENDED');
    const audit = await lastAudit('auth.refresh_reuse');
    expect(audit).toMatchObject({ result: 'denied', target_type: 'session' });
    expect((await db.selectFrom('sessions').select('revoked_at').where('id', '=', audit!.target_id!).executeTakeFirstOrThrow()).revoked_at).not.toBeNull();
    expect(audit!.details).toMatchObject({ code: 'REFRESH_REUSED', userId: user.userId });

    // A new sign-in rotates normally, twice in a row.
    const login = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: 'another long password 1' } })).json();
    const once = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: login.refreshToken } })).json();
    const twice = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: once.refreshToken } });
    expect(twice.statusCode, twice.body).toBe(200);
    expect((await call(t.app, twice.json(), { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
  }, 30_000);
});

describe('apps have owners', () => {
  let owner: Account;
  let member: Account;

  beforeAll(async () => {
    owner = await addUser(t.app, admin, ['member']);
    member = await addUser(t.app, admin, ['member']);
    const v1 = await submit(owner, 'room-booking');
    await publishStep(v1.id);
    expect(await versionsOf('room-booking')).toEqual(['1.0.0']);
  });

  it('a member naming someone else’s app gets a new app of their own, and the request says so; the owner publishes v2', async () => {
    const theirs = await submit(member, 'room-booking', 'Desk booking');
    expect(theirs.name).toBe('room-booking-2');
    expect(theirs.notice).toMatch(/"room-booking" already exists and belongs to someone else.*"room-booking-2"/);
    await publishStep(theirs.id);
    expect(await versionsOf('room-booking')).toEqual(['1.0.0']);
    expect(await versionsOf('room-booking-2')).toEqual(['1.0.0']);
    const owners = (await call(t.app, member, { method: 'GET', url: `/api/v1/apps/${await appIdOf('room-booking-2')}/owners` })).json();
    expect(owners.items.map((o: { userId: string }) => o.userId)).toEqual([member.userId]);

    const v2 = await submit(owner, 'room-booking');
    expect(v2).toMatchObject({ name: 'room-booking', notice: null });
    await publishStep(v2.id);
    expect(await versionsOf('room-booking')).toEqual(['1.0.0', '1.1.0']);
  });

  it('two people’s requests whose names collide while both are in flight never become one app', async () => {
    const a = await submit(owner, 'visitor-log');
    const b = await submit(member, 'visitor-log', 'Visitor badges');
    expect(a.name).toBe('visitor-log');
    expect(b.name).toBe('visitor-log'); // no app of that name existed yet
    await publishStep(a.id);
    await publishStep(b.id);
    expect(await versionsOf('visitor-log')).toEqual(['1.0.0']);
    const refused = await requestState(b.id);
    expect(refused.state).toBe('failed');
    expect(refused.error).toMatchObject({ code: 'APP_NOT_OWNED' });
    const audit = await lastAudit('app.publish');
    expect(audit).toMatchObject({ result: 'denied', target_id: await appIdOf('visitor-log') });
    expect(audit!.details).toMatchObject({ code: 'APP_NOT_OWNED', requestId: b.id, requester: member.userId });
    // Submitted again, the second person's request makes its own app.
    const again = await submit(member, 'visitor-log', 'Visitor badges');
    expect(again.name).toBe('visitor-log-2');
    await publishStep(again.id);
    expect(await versionsOf('visitor-log-2')).toEqual(['1.0.0']);
  });

  it('a non-owner cannot make themselves owner; the owner adds a co-owner who then publishes', async () => {
    const appId = await appIdOf('room-booking');
    const grab = await call(t.app, member, { method: 'POST', url: `/api/v1/apps/${appId}/owners`, payload: { userId: member.userId } });
    expect(grab.statusCode).toBe(403);
    expect(grab.json().code).toBe('APP_OWNER_REQUIRED');
    expect((await lastAudit('app.owner_add'))).toMatchObject({ result: 'denied', target_id: appId });
    expect((await call(t.app, member, { method: 'GET', url: `/api/v1/apps/${appId}/owners` })).json()).toMatchObject({ canManage: false, items: [{ userId: owner.userId, kind: 'user' }] });

    const vague = await call(t.app, owner, { method: 'POST', url: `/api/v1/apps/${appId}/owners`, payload: {} });
    expect(vague.statusCode).toBe(400);
    expect(vague.json().code).toBe('OWNER_REQUIRED');
    const added = await call(t.app, owner, { method: 'POST', url: `/api/v1/apps/${appId}/owners`, payload: { email: member.email.toUpperCase() } });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().items.map((o: { userId: string; name: string }) => o.userId)).toEqual([owner.userId, member.userId]);
    expect(added.json().items[1].name).toBe('User member');
    expect(await lastAudit('app.owner_add')).toMatchObject({ result: 'success', actor_id: owner.userId });
    const coOwned = await submit(member, 'room-booking');
    expect(coOwned).toMatchObject({ name: 'room-booking', notice: null });
    await publishStep(coOwned.id);
    expect(await versionsOf('room-booking')).toEqual(['1.0.0', '1.1.0', '1.2.0']);
  });

  it('a co-owner removed while their request is in flight cannot publish it; the last owner cannot be removed', async () => {
    const appId = await appIdOf('room-booking');
    const pending = await submit(member, 'room-booking');
    expect(pending.name).toBe('room-booking');
    const owners = (await call(t.app, owner, { method: 'GET', url: `/api/v1/apps/${appId}/owners` })).json().items as { id: string; userId: string }[];
    const removed = await call(t.app, owner, { method: 'DELETE', url: `/api/v1/apps/${appId}/owners/${owners.find((o) => o.userId === member.userId)!.id}` });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(await lastAudit('app.owner_remove')).toMatchObject({ result: 'success' });
    await publishStep(pending.id);
    expect(await versionsOf('room-booking')).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    expect((await requestState(pending.id)).error).toMatchObject({ code: 'APP_NOT_OWNED' });
    expect((await submit(member, 'room-booking')).name).toBe('room-booking-2'); // their own app from earlier

    const last = owners.find((o) => o.userId === owner.userId)!;
    const refused = await call(t.app, owner, { method: 'DELETE', url: `/api/v1/apps/${appId}/owners/${last.id}` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('LAST_OWNER');
    expect((await call(t.app, owner, { method: 'GET', url: `/api/v1/apps/${appId}/owners` })).json().items).toHaveLength(1);
  });

  it('a group as owner lets its members publish; a publisher may publish into any app', async () => {
    const appId = await appIdOf('visitor-log');
    const teammate = await addUser(t.app, admin, ['member']);
    const created = await call(t.app, admin, { method: 'POST', url: '/api/v1/groups', payload: { name: `front desk ${randomUUID().slice(0, 6)}`, members: [teammate.userId] } });
    expect(created.statusCode, created.body).toBe(201);
    const group = created.json();
    const before = await submit(teammate, 'visitor-log');
    expect(before.name).toBe('visitor-log-3');
    const added = await call(t.app, owner, { method: 'POST', url: `/api/v1/apps/${appId}/owners`, payload: { groupId: group.id } });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().items[1]).toMatchObject({ kind: 'group', name: group.name });
    const viaGroup = await submit(teammate, 'visitor-log');
    expect(viaGroup.name).toBe('visitor-log');
    await publishStep(viaGroup.id);
    expect(await versionsOf('visitor-log')).toEqual(['1.0.0', '1.1.0']);

    const publisher = await addUser(t.app, admin, ['publisher']);
    const published = await submit(publisher, 'visitor-log');
    expect(published.name).toBe('visitor-log');
    await publishStep(published.id);
    expect(await versionsOf('visitor-log')).toEqual(['1.0.0', '1.1.0', '1.2.0']);
  });

  it('the same owner added twice at the same moment is added once, and both calls succeed', async () => {
    const appId = await appIdOf('visitor-log');
    const colleague = await addUser(t.app, admin, ['member']);
    const both = await Promise.all([0, 1, 2].map(() => call(t.app, owner, { method: 'POST', url: `/api/v1/apps/${appId}/owners`, payload: { userId: colleague.userId } })));
    expect(both.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    const owners = (await call(t.app, owner, { method: 'GET', url: `/api/v1/apps/${appId}/owners` })).json().items as { userId: string }[];
    expect(owners.filter((o) => o.userId === colleague.userId)).toHaveLength(1);
  });
});
