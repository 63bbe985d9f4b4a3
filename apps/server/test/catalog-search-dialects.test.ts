import { randomUUID } from 'node:crypto';
import { describeEachDialect } from '@marketplace/db/testing';
import { migrate } from '@marketplace/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrations } from '../src/composition/migrations.js';
import type { Db } from '../src/db/schema.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

/** Prefix, typo-tolerant, ranked and tenant-isolated catalog search, on PGlite and on PostgreSQL. */
describeEachDialect('catalog search', (getDatabase) => {
  let t: TestApp;
  let acme: Account;
  let globex: Account;

  beforeAll(async () => {
    const database = getDatabase();
    await migrate(database, migrations);
    t = await createTestApp({ database });
    acme = await register(t.app, { organization: 'Acme' });
    globex = await register(t.app, { organization: 'Globex' });
    const db = database.db as Db;
    const app = (owner: Account, name: string, title: string, summary: string, tags: string[], fields: string[] = ['note']) =>
      db
        .insertInto('apps')
        .values({ id: randomUUID(), org_id: owner.orgId, name, title, summary, kind: 'api-service', tags, spec: JSON.stringify({ name, entities: [{ name: 'record', fields: fields.map((field) => ({ name: field, type: 'string' })) }] }), latest_version: '1.0.0', author_id: owner.userId })
        .execute();
    await app(acme, 'laptop-inventory', 'Laptop inventory', 'Who has which laptop', ['hardware'], ['serialNumber', 'ownerEmail']);
    await app(acme, 'leave-requests', 'Wnioski urlopowe', 'Holiday requests with approval', ['hr']);
    await app(acme, 'room-booking', 'Room booking', 'Book meeting rooms; no laptops here', ['facilities']);
    await app(globex, 'laptop-loans', 'Laptop loans', 'Globex lends laptops', ['hardware']);
    // fields as the engine writes them: an identifier and the label people read
    await db.insertInto('apps').values({ id: randomUUID(), org_id: acme.orgId, name: 'access-requests', title: 'Access requests', summary: 'Asks for access to a system', kind: 'form-app', tags: ['form-app'], spec: JSON.stringify({ name: 'access-requests', entities: [{ name: 'submission', label: 'Zgłoszenie', fields: [{ name: 'managerEmail', label: 'Manager e-mail', type: 'email' }, { name: 'dataDostepu', label: 'Data dostępu', type: 'date' }] }] }), latest_version: '1.0.0', author_id: acme.userId }).execute();
  });
  afterAll(async () => t?.close());
  const db = () => getDatabase().db as Db;

  const search = async (who: Account, query: string) => {
    const response = await call(t.app, who, { method: 'GET', url: `/api/v1/apps?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { items: { name: string }[]; total: number };
  };
  const names = async (who: Account, q: string) => (await search(who, `q=${encodeURIComponent(q)}`)).items.map((item) => item.name);

  it('finds apps by the start of a word, and ranks the title match first', async () => {
    expect(await names(acme, 'lapt')).toEqual(['laptop-inventory', 'room-booking']);
    expect(await names(acme, 'urlop')).toEqual(['leave-requests']);
    expect((await names(acme, 'LAPTOP inv'))[0]).toBe('laptop-inventory');
  });

  it('forgives a small typo', async () => {
    expect((await names(acme, 'laptp'))[0]).toBe('laptop-inventory');
    expect(await names(acme, 'inventry')).toEqual(['laptop-inventory']);
    expect(await names(acme, 'invetory')).toEqual(['laptop-inventory']);
    expect((await names(acme, 'romo booking'))[0]).toBe('room-booking');
  });

  it('searches tags, entity fields and names, and finds nothing for nonsense', async () => {
    expect(await names(acme, 'facilit')).toEqual(['room-booking']);
    expect(await names(acme, 'serialnum')).toEqual(['laptop-inventory']);
    expect(await names(acme, 'zzqxw')).toEqual([]);
    expect(await search(acme, 'q=%21%21%21')).toEqual({ items: [], total: 0 });
  });

  it('forgives a typo in a field’s label, not only in its identifier', async () => {
    expect(await names(acme, 'manger')).toEqual(['access-requests']);
    expect(await names(acme, 'zgloszenie')).toEqual(['access-requests']);
    expect(await names(acme, 'dostepu')).toEqual(['access-requests']);
  });

  it("never shows another organisation's apps", async () => {
    expect(await names(globex, 'lapt')).toEqual(['laptop-loans']);
    expect(await names(globex, 'invent')).toEqual([]);
    expect((await names(acme, 'loans')).includes('laptop-loans')).toBe(false);
  });

  it('keeps another sort when one is asked for', async () => {
    const newest = await search(acme, 'q=lapt&sort=newest');
    expect(newest.total).toBe(2);
    expect(newest.items.map((item) => item.name).sort()).toEqual(['laptop-inventory', 'room-booking']);
  });

  it('answers a repeated search with every change committed since, and nothing rolled back', async () => {
    const first = await search(acme, 'q=room');
    expect(first.items.map((item) => item.name)).toEqual(['room-booking']);
    const room = await db().selectFrom('apps').select(['id', 'author_id']).where('name', '=', 'room-booking').executeTakeFirstOrThrow();
    await db().updateTable('apps').set({ title: 'Room booking desk' }).where('id', '=', room.id).execute();
    expect((await search(acme, 'q=room')).items[0]).toMatchObject({ name: 'room-booking', title: 'Room booking desk' });
    await db().updateTable('users').set({ name: 'Renamed author' }).where('id', '=', room.author_id!).execute();
    expect((await search(acme, 'q=room')).items[0]).toMatchObject({ authorName: 'Renamed author' });
    // A change that never commits leaves the answer as it was.
    await expect(
      db().transaction().execute(async (trx) => {
        await trx.deleteFrom('apps').where('id', '=', room.id).execute();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await search(acme, 'q=room')).total).toBe(1);
    // Another organisation's change leaves this one's answer, and this one's never reaches it.
    await db().insertInto('apps').values({ id: randomUUID(), org_id: globex.orgId, name: 'room-planner', title: 'Room planner', summary: 'Globex rooms', kind: 'api-service', tags: [], spec: JSON.stringify({ name: 'room-planner' }), latest_version: '1.0.0', author_id: globex.userId }).execute();
    expect((await search(acme, 'q=room')).items.map((item) => item.name)).toEqual(['room-booking']);
    expect((await search(globex, 'q=room')).items.map((item) => item.name)).toEqual(['room-planner']);
    await db().deleteFrom('apps').where('id', '=', room.id).execute();
    expect(await search(acme, 'q=room')).toEqual({ items: [], total: 0 });
  });
});
