import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';

let t: TestApp;
let admin: Account;
let colleague: Account;
const appId = randomUUID();

beforeAll(async () => {
  t = await createTestApp();
  admin = await register(t.app);
  colleague = await addUser(t.app, admin, ['member']);
  // A catalog entry written directly: the pipeline that publishes apps is tested in pipeline.test.ts.
  await (t.database.db as Db).insertInto('apps').values({ id: appId, org_id: admin.orgId, name: 'visitor-log', title: 'Visitor log', summary: 'Who came in', kind: 'api-service', tags: [], spec: '{}', latest_version: '1.0.0', author_id: admin.userId }).execute();
});
afterAll(async () => t.close());

describe('reviews and ratings', () => {
  it('keeps one editable review per user and the app’s average rating', async () => {
    expect((await call(t.app, admin, { method: 'PUT', url: `/api/v1/apps/${appId}/reviews/mine`, payload: { rating: 5, text: 'Saves me an hour a day' } })).statusCode).toBe(200);
    expect((await call(t.app, colleague, { method: 'PUT', url: `/api/v1/apps/${appId}/reviews/mine`, payload: { rating: 2 } })).statusCode).toBe(200);
    const edited = await call(t.app, colleague, { method: 'PUT', url: `/api/v1/apps/${appId}/reviews/mine`, payload: { rating: 4, text: 'Better after the update' } });
    expect(edited.json()).toMatchObject({ rating: 4, text: 'Better after the update', mine: true });

    const list = (await call(t.app, colleague, { method: 'GET', url: `/api/v1/apps/${appId}/reviews` })).json();
    expect(list.total).toBe(2);
    expect(list.items.map((r: { rating: number; mine: boolean }) => [r.rating, r.mine])).toEqual([[4, true], [5, false]]);
    expect((await call(t.app, admin, { method: 'GET', url: `/api/v1/apps/${appId}` })).json()).toMatchObject({ rating: 4.5, ratingCount: 2 });
  });

  it('refuses a rating outside 1–5 and reviews of unknown apps', async () => {
    const bad = await call(t.app, admin, { method: 'PUT', url: `/api/v1/apps/${appId}/reviews/mine`, payload: { rating: 6 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('body.rating');
    expect((await call(t.app, admin, { method: 'PUT', url: `/api/v1/apps/${randomUUID()}/reviews/mine`, payload: { rating: 3 } })).statusCode).toBe(404);
  });
});
