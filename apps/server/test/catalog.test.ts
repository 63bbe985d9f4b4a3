import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';

let t: TestApp;
let admin: Account;
let colleague: Account;
const ids = { visitors: randomUUID(), invoices: randomUUID(), laptops: randomUUID() };

async function agentOf(db: Db, account: Account, name: string): Promise<string> {
  const clientId = randomUUID();
  const agentId = randomUUID();
  await db.insertInto('agent_clients' as never).values({ id: clientId, org_id: account.orgId, created_by: account.userId, name, client_id: `c-${clientId}`, secret_hash: 'x' } as never).execute();
  await db.insertInto('agents' as never).values({ id: agentId, org_id: account.orgId, user_id: account.userId, client_row_id: clientId, name, hostname: name, os: 'linux', mailbox: `${name}@agents.test` } as never).execute();
  return agentId;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await register(t.app);
  colleague = await addUser(t.app, admin, ['publisher']);
  const db = t.database.db as Db;
  // Catalog entries and deployments written directly: publishing and agent reports are tested in their own suites.
  const app = (id: string, name: string, author: Account, rating: number | null, updatedAt: string) =>
    db.insertInto('apps').values({ id, org_id: admin.orgId, name, title: name, summary: name, kind: 'api-service', tags: [], spec: '{}', latest_version: '1.0.0', author_id: author.userId, rating_avg: rating, updated_at: new Date(updatedAt) }).execute();
  await app(ids.visitors, 'visitors', admin, 3, '2026-01-03T00:00:00Z');
  await app(ids.invoices, 'invoices', colleague, 5, '2026-01-01T00:00:00Z');
  await app(ids.laptops, 'laptops', colleague, null, '2026-01-02T00:00:00Z');
  const agents = [await agentOf(db, admin, 'a1'), await agentOf(db, admin, 'a2'), await agentOf(db, colleague, 'a3')];
  const deploy = (agentId: string, appId: string, version: string, state: string) =>
    db.insertInto('deployments' as never).values({ id: randomUUID(), org_id: admin.orgId, agent_id: agentId, app_id: appId, app: appId.slice(0, 8), version, state } as never).execute();
  await deploy(agents[0]!, ids.laptops, '1.0.0', 'healthy');
  await deploy(agents[1]!, ids.laptops, '1.0.0', 'unhealthy');
  await deploy(agents[2]!, ids.laptops, '1.0.0', 'removed');
  await deploy(agents[0]!, ids.invoices, '1.0.0', 'healthy');
});
afterAll(async () => t.close());

const list = async (query: string) => (await call(t.app, admin, { method: 'GET', url: `/api/v1/apps?${query}` })).json();

describe('catalog cards and filters', () => {
  it('shows installs and the health of real deployments, and the author, on each card', async () => {
    const laptops = (await list('q=laptops')).items[0];
    expect(laptops).toMatchObject({ installs: 2, health: { healthy: 1, unhealthy: 1 }, authorId: colleague.userId, authorName: expect.any(String) });
    const detail = (await call(t.app, admin, { method: 'GET', url: `/api/v1/apps/${ids.laptops}` })).json();
    expect(detail).toMatchObject({ installs: 2, health: { healthy: 1, unhealthy: 1 }, authorId: colleague.userId });
  });

  it('sorts by installs, rating and newest, and filters by author', async () => {
    expect((await list('sort=installs')).items.map((a: { name: string }) => a.name)).toEqual(['laptops', 'invoices', 'visitors']);
    expect((await list('sort=rating')).items.map((a: { name: string }) => a.name)).toEqual(['invoices', 'visitors', 'laptops']);
    expect((await list('sort=newest')).items.map((a: { name: string }) => a.name)).toEqual(['visitors', 'laptops', 'invoices']);
    const mine = await list(`author=${colleague.userId}`);
    expect(mine.total).toBe(2);
    expect(mine.items.every((a: { authorId: string }) => a.authorId === colleague.userId)).toBe(true);
  });
});

describe('card figures follow the changes that move them', () => {
  it('updates installs, health and rating when deployments and reviews change, and sorts by them', async () => {
    const db = t.database.db as Db;
    const card = async (id: string) => (await call(t.app, admin, { method: 'GET', url: `/api/v1/apps/${id}` })).json();
    const agent = await agentOf(db, admin, 'a4');
    const deploymentId = randomUUID();
    await db.insertInto('deployments' as never).values({ id: deploymentId, org_id: admin.orgId, agent_id: agent, app_id: ids.visitors, app: 'visitors', version: '1.0.0', state: 'received' } as never).execute();
    expect(await card(ids.visitors)).toMatchObject({ installs: 1, health: { healthy: 0, unhealthy: 0 } });
    await db.updateTable('deployments' as never).set({ state: 'healthy' } as never).where('id' as never, '=', deploymentId as never).execute();
    expect(await card(ids.visitors)).toMatchObject({ installs: 1, health: { healthy: 1, unhealthy: 0 } });
    // a second agent and a second version on the first agent: workstations are counted once each
    const other = await agentOf(db, admin, 'a5');
    await db.insertInto('deployments' as never).values({ id: randomUUID(), org_id: admin.orgId, agent_id: other, app_id: ids.visitors, app: 'visitors', version: '1.0.0', state: 'healthy' } as never).execute();
    await db.insertInto('deployments' as never).values({ id: randomUUID(), org_id: admin.orgId, agent_id: agent, app_id: ids.visitors, app: 'visitors', version: '1.1.0', state: 'deploying' } as never).execute();
    expect(await card(ids.visitors)).toMatchObject({ installs: 2, health: { healthy: 2, unhealthy: 0 } });
    expect((await list('sort=installs')).items.map((a: { name: string }) => a.name)).toEqual(['visitors', 'laptops', 'invoices']);
    // an agent deleted takes its deployments (cascade) and its installs with it
    await db.deleteFrom('agents' as never).where('id' as never, '=', other as never).execute();
    await db.updateTable('deployments' as never).set({ state: 'removed' } as never).where('agent_id' as never, '=', agent as never).execute();
    expect(await card(ids.visitors)).toMatchObject({ installs: 0, health: { healthy: 0, unhealthy: 0 } });

    const review = await call(t.app, colleague, { method: 'PUT', url: `/api/v1/apps/${ids.laptops}/reviews/mine`, payload: { rating: 4, text: 'works' } });
    expect(review.statusCode).toBeLessThan(300);
    expect(await card(ids.laptops)).toMatchObject({ rating: 4, ratingCount: 1 });
    await db.deleteFrom('reviews').where('app_id', '=', ids.laptops).execute();
    expect(await card(ids.laptops)).toMatchObject({ rating: null, ratingCount: 0 });
  });
});

describe('tags in words', () => {
  it('finds an app by its worded tags, in the search and in the tag filter whatever the case', async () => {
    const owner = await register(t.app, { organization: 'Tags Org' });
    const { extractSpec } = await import('@marketplace/spec');
    const spec = extractSpec('Formularz wniosku urlopowego: imię, nazwisko, data od, data do').spec;
    await (t.database.db as Db)
      .insertInto('apps')
      .values({ id: randomUUID(), org_id: owner.orgId, name: 'wnioski', title: 'Wnioski', summary: 'Wnioski.', kind: spec.kind, tags: spec.tags ?? [], spec: JSON.stringify(spec), latest_version: '1.0.0', author_id: owner.userId })
      .execute();
    const names = async (query: string) => (await call(t.app, owner, { method: 'GET', url: `/api/v1/apps?${query}` })).json().items.map((item: { name: string }) => item.name);
    expect(spec.tags).toEqual(['formularz', 'wniosek urlopowy']);
    expect(await names('q=formularz')).toEqual(['wnioski']);
    expect(await names('tag=formularz')).toEqual(['wnioski']);
    expect(await names(`tag=${encodeURIComponent('Wniosek urlopowy')}`)).toEqual(['wnioski']);
    expect(await names('tag=form-app')).toEqual([]);
  });

  it('says the tags of apps published before in words, from their stored spec (migration 1700)', async () => {
    const owner = await register(t.app, { organization: 'Old Tags Org' });
    const { extractSpec } = await import('@marketplace/spec');
    const { catalogTagsMigrations } = await import('../src/modules/catalog/catalog-tags-migrations.js');
    const spec = extractSpec('Formularz wniosku urlopowego: imię, nazwisko, data od, data do').spec;
    const db = t.database.db as Db;
    const old = { id: randomUUID(), name: 'stare', spec: JSON.stringify({ ...spec, tags: ['form-app', 'leave request'] }) };
    const unreadable = { id: randomUUID(), name: 'reczne', spec: '{}' };
    for (const row of [old, unreadable]) {
      await db.insertInto('apps').values({ id: row.id, org_id: owner.orgId, name: row.name, title: row.name, summary: 's', kind: 'form-app', tags: ['form-app', 'leave request'], spec: row.spec, latest_version: '1.0.0', author_id: owner.userId }).execute();
    }
    await catalogTagsMigrations[0]!.up(db as never);
    const tags = async (id: string) => (await db.selectFrom('apps').select('tags').where('id', '=', id).executeTakeFirstOrThrow()).tags;
    expect(await tags(old.id)).toEqual(['formularz', 'wniosek urlopowy']);
    expect(await tags(unreadable.id)).toEqual(['form-app', 'leave request']);
  });
});
