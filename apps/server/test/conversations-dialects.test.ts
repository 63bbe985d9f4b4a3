import { randomUUID } from 'node:crypto';
import { describeEachDialect } from '@marketplace/db/testing';
import { migrate } from '@marketplace/db';
import { expect, it } from 'vitest';
import { migrations } from '../src/composition/migrations.js';
import type { Db } from '../src/db/schema.js';
import { handleIncomingMail } from './incoming-mail.js';
import { call, createTestApp, register } from './helper.js';

/** The conversation, similar-app, intent, usage and mail-ingest queries read the same on PGlite and PostgreSQL. */
describeEachDialect('conversations on each dialect', (getDatabase) => {
  it('drafts, offers a similar app, answers intents, reports usage and ingests mail once', async () => {
    const database = getDatabase();
    await migrate(database, migrations);
    const t = await createTestApp({ database });
    try {
      const admin = await register(t.app, { organization: `Conversations ${database.dialect}` });
      const db = database.db as Db;
      const spec = { specVersion: 1, name: 'laptop-tracker', title: 'Laptop tracker', summary: 'Track laptops', kind: 'api-service', entities: [{ name: 'laptop', fields: [{ name: 'serial', type: 'string' }, { name: 'owner', type: 'email' }, { name: 'status', type: 'string' }] }] };
      await db.insertInto('apps').values({ id: randomUUID(), org_id: admin.orgId, name: spec.name, title: spec.title, summary: spec.summary, kind: spec.kind, tags: [], spec: JSON.stringify(spec), latest_version: '1.2.0', author_id: admin.userId }).execute();

      const turn = (await call(t.app, admin, { method: 'POST', url: '/api/v1/conversations', payload: { text: 'I need a REST API to track laptops: serial, owner, status' } })).json();
      expect(turn.similar[0]).toMatchObject({ name: 'laptop-tracker', latestVersion: '1.2.0' });
      const list = (await call(t.app, admin, { method: 'POST', url: `/api/v1/conversations/${turn.id}/messages`, payload: { text: 'list apps like laptops' } })).json();
      expect(list.reply).toContain('Laptop tracker');
      const failing = (await call(t.app, admin, { method: 'POST', url: `/api/v1/conversations/${turn.id}/messages`, payload: { text: 'show my failing deployments' } })).json();
      expect(failing.intent).toBe('failing-deployments');
      const usage = await call(t.app, admin, { method: 'GET', url: '/api/v1/llm/usage?period=all' });
      expect(usage.statusCode, usage.body).toBe(200);
      expect(usage.json().totals.calls).toBe(0);

      const raw = Buffer.from(`From: ${admin.email}\r\nTo: marketplace@localhost\r\nSubject: hi\r\nMessage-ID: <${randomUUID()}@client.test>\r\n\r\nI need a form for visitor badges\r\n`);
      const outcomes = await Promise.all([1, 2].map(() => handleIncomingMail(t.app.conversationServices, raw, { from: admin.email, to: ['marketplace@localhost'] })));
      // First contact without DKIM waits for the sender's confirmation (no SMTP here, so none is mailed).
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['duplicate', 'refused:unproven-sender:limited']);
    } finally {
      await t.close();
    }
  });
});
