import { randomUUID } from 'node:crypto';
import { migrate } from '@marketplace/db';
import { describeEachDialect } from '@marketplace/db/testing';
import { describe, expect, it } from 'vitest';
import { migrations } from '../src/composition/migrations.js';
import type { Db } from '../src/db/schema.js';
import { createDbUsageSink } from '../src/modules/llm-settings/llm-usage-repository.js';
import { insertRequest, markFailed } from '../src/modules/pipeline/pipeline-repository.js';
import { addUser, call, createPipelineApp, createTestApp, register, type Account } from './helper.js';
import type { FastifyInstance } from 'fastify';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const sum = (points: { value: number }[]) => points.reduce((total, p) => total + p.value, 0);

/** A request the pipeline failed, `ago` ms back (the rows markFailed writes). */
async function failedRequest(db: Db, account: Account, ago = 10 * MINUTE) {
  const id = randomUUID();
  await insertRequest(db, { id, orgId: account.orgId, userId: account.userId, source: 'api', text: null, spec: { name: 'broken-app' } });
  await markFailed(db, id, 'validate', { code: 'VALIDATION_FAILED', message: 'tests failed' });
  const at = new Date(Date.now() - ago);
  await db.updateTable('requests').set({ created_at: at, updated_at: at }).where('id', '=', id).execute();
}

/** A request published `seconds` after it was created (the rows publishVersion writes). */
async function publishedRequest(db: Db, account: Account, name: string, kind: string, seconds: number) {
  const id = randomUUID();
  const created = new Date(Date.now() - 20 * MINUTE);
  await insertRequest(db, { id, orgId: account.orgId, userId: account.userId, source: 'api', text: null, spec: { name } });
  const appId = randomUUID();
  await db.insertInto('apps').values({ id: appId, org_id: account.orgId, name, title: name, summary: '', kind, tags: [], spec: '{}', latest_version: '1.0.0', author_id: account.userId }).execute();
  await db
    .insertInto('app_versions')
    .values({ id: randomUUID(), app_id: appId, org_id: account.orgId, version: '1.0.0', request_id: id, spec: '{}', manifest: '{}', bundle_sha256: 'x', bundle_size: 1, key_id: 'k', release_json: '{}', validation_report: '{}', scan_report: '{}', published_at: new Date(created.getTime() + seconds * 1000) })
    .execute();
  await db.updateTable('requests').set({ state: 'published', app_id: appId, version: '1.0.0', created_at: created }).where('id', '=', id).execute();
}

async function agentReport(app: FastifyInstance, owner: Account, reports: { app: string; state: string }[]) {
  const code = (await call(app, owner, { method: 'POST', url: '/api/v1/agents/enrollments' })).json().code;
  const agent = (await app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'laptop', hostname: 'host', os: 'linux' } })).json();
  const token = (await app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: agent.clientId, client_secret: agent.clientSecret } })).json().access_token;
  for (const report of reports) expect((await call(app, { token }, { method: 'POST', url: '/api/v1/agents/reports', payload: { ...report, version: '1.0.0' } })).statusCode).toBe(201);
}

describeEachDialect('analytics on each dialect', (getDatabase) => {
  it('counts what the organisation did, per hour and per day, and nothing of another organisation', async () => {
    const database = getDatabase();
    await migrate(database, migrations);
    const t = await createTestApp({ database: database as never });
    try {
      const db = t.database.db as Db;
      const admin = await register(t.app, { organization: `Analytics ${database.dialect}` });
      const reviewer = await addUser(t.app, admin, ['reviewer']);
      const member = await addUser(t.app, admin, ['member']);
      const other = await register(t.app, { organization: 'Other org' });

      await publishedRequest(db, admin, 'room-booking', 'web-dashboard', 60);
      await publishedRequest(db, reviewer, 'expense-form', 'form-app', 120);
      await publishedRequest(db, admin, 'laptop-api', 'api-service', 300);
      await failedRequest(db, admin);
      await failedRequest(db, admin, 3 * DAY); // in the week, not in the last 24 hours
      await failedRequest(db, other);
      await agentReport(t.app, member, [
        { app: 'room-booking', state: 'healthy' },
        { app: 'expense-form', state: 'unhealthy' },
        { app: 'laptop-api', state: 'healthy' },
      ]);
      await agentReport(t.app, other, [{ app: 'secret-app', state: 'healthy' }]);
      const usage = createDbUsageSink(db);
      const record = { userId: admin.userId, conversationId: null, appId: null, task: 'spec', provider: 'openai', model: 'gpt', latencyMs: 800, cacheHit: false, outcome: 'ok', at: new Date(Date.now() - 5 * MINUTE) };
      await usage({ ...record, orgId: admin.orgId, inputTokens: 100, outputTokens: 50, costUsd: 0.0125 } as never);
      await usage({ ...record, orgId: admin.orgId, inputTokens: 200, outputTokens: 20, costUsd: 0.02 } as never);
      await usage({ ...record, orgId: other.orgId, userId: other.userId, inputTokens: 9999, outputTokens: 9999, costUsd: 5 } as never);

      const day = await call(t.app, reviewer, { method: 'GET', url: '/api/v1/analytics?period=24h' });
      expect(day.statusCode, day.body).toBe(200);
      const body = day.json();
      expect(body).toMatchObject({ period: '24h', bucket: 'hour' });
      for (const series of Object.values<{ t: string; value: number }[]>(body.series)) {
        expect(series).toHaveLength(24);
        expect(series.every((p) => new Date(p.t).getTime() % HOUR === 0)).toBe(true);
      }
      expect(body.series.requests[0].t).toBe(body.from);
      expect(new Date(body.series.requests[23].t).getTime()).toBe(Math.floor(new Date(body.to).getTime() / HOUR) * HOUR);
      expect(body.totals).toEqual({
        requests: 4,
        published: 3,
        failed: 1,
        successRate: 0.75,
        generationSecondsP50: 120,
        // The admin, the reviewer and the member signed up or in (the audit trail); the other org's admin is not counted.
        activeUsers: 3,
        deployments: 3,
        healthyDeployments: 2,
        llmCalls: 2,
        llmTokens: 370,
        llmCostUsd: 0.0325,
      });
      expect(sum(body.series.requests)).toBe(4);
      expect(sum(body.series.published)).toBe(3);
      expect(sum(body.series.llmCostUsd)).toBeCloseTo(0.0325, 6);
      expect(body.series.generationSecondsP50.filter((p: { value: number }) => p.value > 0).length).toBeGreaterThan(0);
      expect(body.kinds).toEqual([
        { kind: 'api-service', count: 1 },
        { kind: 'form-app', count: 1 },
        { kind: 'web-dashboard', count: 1 },
      ]);
      expect(body.deploymentOutcomes).toEqual([
        { state: 'healthy', count: 2 },
        { state: 'unhealthy', count: 1 },
      ]);

      const week = (await call(t.app, admin, { method: 'GET', url: '/api/v1/analytics' })).json();
      expect(week).toMatchObject({ period: '7d', bucket: 'day', totals: { requests: 5, failed: 2, successRate: 0.6 } });
      expect(week.series.failed).toHaveLength(7);
      expect(week.series.failed.every((p: { t: string }) => p.t.endsWith('T00:00:00.000Z'))).toBe(true);
      expect(week.series.failed.filter((p: { value: number }) => p.value > 0).length).toBe(2);

      const theirs = (await call(t.app, other, { method: 'GET', url: '/api/v1/analytics?period=90d' })).json();
      expect(theirs.series.requests).toHaveLength(90);
      expect(theirs.totals).toMatchObject({ requests: 1, published: 0, failed: 1, successRate: 0, generationSecondsP50: null, deployments: 1, llmCalls: 1, llmCostUsd: 5 });
      expect(theirs.kinds).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe('GET /api/v1/analytics', () => {
  it('is for admins, publishers and reviewers, and names the periods it knows', async () => {
    const t = await createTestApp();
    try {
      const admin = await register(t.app);
      const member = await addUser(t.app, admin, ['member']);
      const publisher = await addUser(t.app, admin, ['publisher']);
      const denied = await call(t.app, member, { method: 'GET', url: '/api/v1/analytics' });
      expect(denied.statusCode).toBe(403);
      expect(denied.json()).toMatchObject({ code: 'ROLE_REQUIRED' });
      expect(denied.json().detail).toContain('admin or publisher or reviewer');
      const bad = await call(t.app, publisher, { method: 'GET', url: '/api/v1/analytics?period=1y' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('24h, 7d, 30d, 90d');
      const empty = (await call(t.app, publisher, { method: 'GET', url: '/api/v1/analytics?period=30d' })).json();
      expect(empty.series.published).toHaveLength(30);
      expect(empty.totals).toMatchObject({ requests: 0, published: 0, successRate: null, generationSecondsP50: null, llmCostUsd: 0 });
    } finally {
      await t.close();
    }
  });

  it('shows a request that ran through the pipeline as published, with its build time', async () => {
    const pipeline = await createPipelineApp();
    const { app } = pipeline.t;
    try {
      const admin = await register(app);
      const submitted = await call(app, admin, { method: 'POST', url: '/api/v1/requests', payload: { text: 'I need a REST API to track laptops: serial number, owner e-mail, purchase date, price and status (in use, spare, broken). Protect it with an API key.' } });
      expect(submitted.statusCode, submitted.body).toBe(202);
      const started = Date.now();
      let state = 'queued';
      while (state !== 'published' && state !== 'failed' && Date.now() - started < 180_000) {
        await new Promise((r) => setTimeout(r, 500));
        state = (await call(app, admin, { method: 'GET', url: `/api/v1/requests/${submitted.json().id}` })).json().state;
      }
      expect(state).toBe('published');
      const elapsed = (Date.now() - started) / 1000;
      const body = (await call(app, admin, { method: 'GET', url: '/api/v1/analytics?period=24h' })).json();
      expect(body.totals).toMatchObject({ requests: 1, published: 1, failed: 0, successRate: 1, activeUsers: 1 });
      expect(body.totals.generationSecondsP50).toBeGreaterThan(0);
      expect(body.totals.generationSecondsP50).toBeLessThanOrEqual(elapsed + 1);
      expect(body.kinds).toEqual([{ kind: 'api-service', count: 1 }]);
    } finally {
      await pipeline.close();
    }
  }, 240_000);
});
