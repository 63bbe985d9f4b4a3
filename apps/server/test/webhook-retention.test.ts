import { randomUUID } from 'node:crypto';
import { createDatabase, migrate } from '@marketplace/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/composition/migrations.js';
import type { ServerDatabase } from '../src/db/database.js';
import type { Db } from '../src/db/schema.js';
import { withEvents } from '../src/modules/events/events-repository.js';
import { sweepWebhooks } from '../src/modules/webhooks/webhook-sweeper.js';
import { recordMessage } from '../src/modules/webhooks/webhooks-repository.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

const DAY = 86_400_000;

describe('webhook retention', () => {
  let t: TestApp;
  let admin: Account;
  let db: Db;
  beforeAll(async () => {
    t = await createTestApp({ env: { WEBHOOK_RETENTION_DAYS: '30' } });
    admin = await register(t.app);
    db = t.database.db as Db;
  });
  afterAll(async () => t.close());

  /** A message with one delivery, made `ageDays` ago, in `state`, with one attempt when finished. */
  async function delivery(subscriptionId: string, ageDays: number, state: 'pending' | 'succeeded' | 'failed', touchedDaysAgo = ageDays) {
    const payload = { type: 'deployment.healthy', timestamp: new Date().toISOString(), data: { app: `aged-${ageDays}-${state}` } };
    const { messageId, deliveryIds } = await recordMessage(db, admin.orgId, payload, [subscriptionId]);
    const id = deliveryIds[0]!;
    const created = new Date(Date.now() - ageDays * DAY);
    await db.updateTable('webhook_messages').set({ created_at: created }).where('id', '=', messageId).execute();
    await db.updateTable('webhook_deliveries').set({ state, attempts: state === 'pending' ? 0 : 1, created_at: created, updated_at: new Date(Date.now() - touchedDaysAgo * DAY) }).where('id', '=', id).execute();
    if (state !== 'pending') await db.insertInto('webhook_attempts').values({ id: randomUUID(), org_id: admin.orgId, delivery_id: id, attempt: 1, status: 200, duration_ms: 5, created_at: created }).execute();
    return { id, messageId };
  }

  it('deletes deliveries, their attempts and their messages past WEBHOOK_RETENTION_DAYS, and keeps the rest', async () => {
    const hook = (await call(t.app, admin, { method: 'POST', url: '/api/v1/webhooks', payload: { url: 'https://hooks.example.com/retention', events: ['deployment.healthy'] } })).json();
    const oldDone = await delivery(hook.id, 40, 'succeeded');
    const oldFailed = await delivery(hook.id, 31, 'failed');
    const recent = await delivery(hook.id, 29, 'succeeded');
    const oldButRetrying = await delivery(hook.id, 40, 'pending', 0);
    const oldAndStuck = await delivery(hook.id, 40, 'pending');

    const swept = await sweepWebhooks({ db, config: t.app.config, queue: null });
    expect(swept).toMatchObject({ deliveries: 3, messages: 3 });
    const left = await db.selectFrom('webhook_deliveries').select('id').where('subscription_id', '=', hook.id).execute();
    expect(left.map((row) => row.id).sort()).toEqual([recent.id, oldButRetrying.id].sort());
    const attempts = await db.selectFrom('webhook_attempts').select('delivery_id').where('org_id', '=', admin.orgId).execute();
    expect(attempts.map((row) => row.delivery_id)).toEqual([recent.id]);
    const messages = await db.selectFrom('webhook_messages').select('id').where('org_id', '=', admin.orgId).execute();
    expect(messages.map((row) => row.id).sort()).toEqual([recent.messageId, oldButRetrying.messageId].sort());
    for (const gone of [oldDone, oldFailed, oldAndStuck]) {
      expect((await call(t.app, admin, { method: 'GET', url: `/api/v1/webhook-deliveries/${gone.id}` })).statusCode).toBe(404);
    }
    // The admin's log shows what is kept.
    const log = (await call(t.app, admin, { method: 'GET', url: `/api/v1/webhooks/${hook.id}/deliveries` })).json().items as Array<{ id: string }>;
    expect(log.map((item) => item.id).sort()).toEqual([recent.id, oldButRetrying.id].sort());

    // Nothing more to do: a second sweep removes nothing.
    expect(await sweepWebhooks({ db, config: t.app.config, queue: null })).toEqual({ deliveries: 0, messages: 0, secrets: 0, requeued: 0 });
  });

  it('refuses a retention of 0 days and says what it takes', async () => {
    await expect(createTestApp({ env: { WEBHOOK_RETENTION_DAYS: '0' } })).rejects.toThrow(/WEBHOOK_RETENTION_DAYS: expected a whole number from 1 to 3650, got '0'/);
  });
});

describe('events heard before a graceful stop', () => {
  let database: ServerDatabase;
  beforeAll(async () => {
    database = (await createDatabase({ memory: true })) as ServerDatabase;
    await migrate(database as any, migrations);
  });
  afterAll(async () => database.close());

  it('are recorded as deliveries before the process lets go of the database', async () => {
    const t = await createTestApp({ database });
    const admin = await register(t.app);
    const hook = (await call(t.app, admin, { method: 'POST', url: '/api/v1/webhooks', payload: { url: 'https://hooks.example.com/drain', events: ['deployment.unhealthy'] } })).json();
    for (let index = 0; index < 5; index++) {
      await withEvents(t.app.db, t.app.events, (_trx, emit) => emit({ orgId: admin.orgId, type: 'deployment', data: { id: randomUUID(), app: `drain-${index}`, version: '1.0.0', state: 'unhealthy' }, audience: { roles: ['admin'] } }));
    }
    // No wait: the stop itself drains what was heard (services.close awaits the webhooks).
    await t.close();
    const recorded = await (database.db as Db)
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_messages as m', 'm.id', 'd.message_id')
      .select(['d.state', 'm.payload'])
      .where('d.subscription_id', '=', hook.id)
      .execute();
    expect(recorded.map((row) => row.payload.data.app).sort()).toEqual(['drain-0', 'drain-1', 'drain-2', 'drain-3', 'drain-4']);
    expect(recorded.every((row) => row.state === 'pending')).toBe(true);
  });
});
