import { randomUUID } from 'node:crypto';
import { createDatabase, createJobQueue, defineJob, migrate, type JobQueue } from '@marketplace/db';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/composition/migrations.js';
import type { ServerDatabase } from '../src/db/database.js';
import type { Db } from '../src/db/schema.js';
import { registerStateMetrics } from '../src/plugins/state-metrics.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

let database: ServerDatabase;
let queue: JobQueue;
let t: TestApp;
let admin: Account;

const scrape = async () => (await t.app.inject('/metrics')).body;
/** The value of one sample, labels in any order (the default `service` label included). */
const sample = (body: string, name: string, labels: Record<string, string> = {}) => {
  for (const line of body.split('\n')) {
    const match = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return undefined;
};

beforeAll(async () => {
  database = (await createDatabase({ memory: true })) as ServerDatabase;
  await migrate(database, migrations);
  // As in an API process: it queues jobs that no worker here takes, so they wait.
  queue = createJobQueue(database, { work: false });
  queue.register(defineJob({ name: 'distribution.send', retryLimit: 0, retryDelay: 0, retryBackoff: false, expireInSeconds: 60, handler: async () => {} }));
  await queue.start();
  t = await createTestApp({ database, jobs: queue });
  admin = await register(t.app, { organization: 'Metrics Org' });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await queue?.stop({ graceful: false });
  await database?.close();
});

describe('installation state on /metrics (what the worker and smtp roles do, read from the shared database)', () => {
  it('reports zeros and success on an empty installation', async () => {
    // A registry of its own on the same (still empty) database, so the app's cached figures stay unread.
    const registry = new Registry();
    registerStateMetrics(registry, database, database.db as Db, t.app.log);
    const body = await registry.metrics();
    expect(sample(body, 'marketplace_state_metrics_up')).toBe(1);
    expect(sample(body, 'marketplace_mail_received_total')).toBe(0);
    expect(sample(body, 'marketplace_llm_budget_used_ratio', { budget: 'hard' })).toBe(0);
    expect(body).toContain('# TYPE marketplace_deployments gauge');
    expect(body).toContain('# TYPE marketplace_pipeline_steps_total counter');
  });

  it('counts pipeline steps, queued jobs and their age, mail in and out, deployments by state and LLM spend against the budget', async () => {
    const db = database.db as Db;
    // pipeline: two requests whose generate step is done (1.5 s and 0.5 s), one validating now, one failed scan
    for (const [generate, validate, scan] of [
      ['done', 'running', 'pending'],
      ['done', 'done', 'failed'],
    ] as const) {
      const id = randomUUID();
      await db.insertInto('requests').values({ id, org_id: admin.orgId, user_id: admin.userId, source: 'api', text: 'a form', spec: '{}', state: 'validating' }).execute();
      await db
        .insertInto('request_steps')
        .values([
          { request_id: id, name: 'generate', position: 0, state: generate, duration_ms: validate === 'running' ? 1500 : 500 },
          { request_id: id, name: 'validate', position: 1, state: validate, duration_ms: validate === 'done' ? 4000 : null },
          { request_id: id, name: 'scan', position: 3, state: scan },
        ])
        .execute();
    }
    // jobs: two release e-mails queued, one of them waiting two minutes already
    await queue.send('distribution.send', { n: 1 });
    await queue.send('distribution.send', { n: 2 });
    await database.executeSql(`UPDATE pgboss.job SET start_after = now() - interval '120 seconds' WHERE name = 'distribution.send' AND data->>'n' = '1'`);
    // mail in: three received, one of them not processed for five minutes
    for (const [n, state] of [[1, 'done'], [2, 'done'], [3, 'stored']] as const) {
      await db.insertInto('incoming_mail').values({ message_id: `<m${n}@mail.test>`, raw: Buffer.from('Subject: hi\r\n\r\nhello'), envelope_from: 'ana@acme.test', envelope_to: ['marketplace@marketplace.localhost'], state, received_at: new Date(Date.now() - 300_000) }).execute();
    }
    // deployments: an enrolled agent runs two apps, one of them unhealthy
    const { code } = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
    const agentId = (await t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'laptop', hostname: 'laptop', os: 'linux' } })).json().agentId as string;
    for (const [app, state] of [['lunch', 'healthy'], ['rota', 'unhealthy']]) {
      await db.insertInto('deployments').values({ id: randomUUID(), org_id: admin.orgId, agent_id: agentId, app_id: null, app: app!, version: '1.0.0', state: state!, health: null, reason: null, log_tail: null }).execute();
    }
    // mail out: one release e-mail sent, one queued
    const appId = randomUUID();
    const versionId = randomUUID();
    await db.insertInto('apps').values({ id: appId, org_id: admin.orgId, name: 'lunch', title: 'Lunch', summary: 's', kind: 'form-app', tags: [], spec: '{}', latest_version: '1.0.0', author_id: admin.userId }).execute();
    await db
      .insertInto('app_versions')
      .values({ id: versionId, app_id: appId, org_id: admin.orgId, version: '1.0.0', request_id: null, spec: '{}', manifest: '{}', changelog: null, bundle_sha256: 'a'.repeat(64), bundle_size: 1, key_id: 'k', release_json: '{}', validation_report: '{}', scan_report: '{}', published_by: admin.userId })
      .execute();
    await db.insertInto('deliveries').values({ id: randomUUID(), org_id: admin.orgId, app_id: appId, version_id: versionId, agent_id: agentId, user_id: admin.userId, recipient: 'a@agents.test', state: 'sent', sent_at: new Date(), requested_by: admin.userId }).execute();
    await db.insertInto('deliveries').values({ id: randomUUID(), org_id: admin.orgId, app_id: appId, version_id: versionId, agent_id: agentId, user_id: admin.userId, recipient: 'a@agents.test', state: 'queued', requested_by: admin.userId }).execute();
    // LLM: a $10 monthly hard budget set by the admin, $2.50 spent this month over two calls
    const limits = await call(t.app, admin, { method: 'PUT', url: '/api/v1/llm/providers', payload: { limits: { softBudgetUsd: 5, hardBudgetUsd: 10, budgetPeriod: 'month' } } });
    expect(limits.statusCode, limits.body).toBe(200);
    const now = new Date();
    await db.insertInto('llm_counters').values({ org_id: admin.orgId, kind: 'spend', window_start: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1), value: 2.5 }).execute();
    for (const cost of [1, 1.5]) {
      await db.insertInto('llm_usage').values({ id: randomUUID(), org_id: admin.orgId, user_id: null, conversation_id: null, app_id: null, task: 'extract', provider: 'openai', model: 'gpt-4o-mini', input_tokens: 10, output_tokens: 10, cost_usd: cost, latency_ms: 5, cache_hit: false, outcome: 'ok', error_code: null, at: new Date() }).execute();
    }

    const body = await scrape();
    expect(sample(body, 'marketplace_pipeline_steps_total', { step: 'generate', outcome: 'done' })).toBe(2);
    expect(sample(body, 'marketplace_pipeline_steps_total', { step: 'scan', outcome: 'failed' })).toBe(1);
    expect(sample(body, 'marketplace_pipeline_step_seconds_total', { step: 'generate' })).toBe(2);
    expect(sample(body, 'marketplace_pipeline_steps_running', { step: 'validate' })).toBe(1);
    expect(sample(body, 'marketplace_job_queue_jobs', { queue: 'distribution.send', state: 'created' })).toBe(2);
    expect(sample(body, 'marketplace_job_queue_oldest_waiting_seconds', { queue: 'distribution.send' })).toBeGreaterThanOrEqual(119);
    expect(sample(body, 'marketplace_mail_received_total')).toBe(3);
    expect(sample(body, 'marketplace_mail_incoming_waiting')).toBe(1);
    expect(sample(body, 'marketplace_mail_incoming_oldest_waiting_seconds')).toBeGreaterThanOrEqual(299);
    expect(sample(body, 'marketplace_mail_deliveries_sent_total')).toBe(1);
    expect(sample(body, 'marketplace_mail_deliveries', { state: 'queued' })).toBe(1);
    expect(sample(body, 'marketplace_deployments', { state: 'unhealthy' })).toBe(1);
    expect(sample(body, 'marketplace_deployments', { state: 'healthy' })).toBe(1);
    expect(sample(body, 'marketplace_llm_cost_usd_total', { provider: 'openai' })).toBe(2.5);
    expect(sample(body, 'marketplace_llm_calls_total', { provider: 'openai' })).toBe(2);
    expect(sample(body, 'marketplace_llm_budget_used_ratio', { budget: 'hard' })).toBe(0.25);
    expect(sample(body, 'marketplace_llm_budget_used_ratio', { budget: 'soft' })).toBe(0.5);
    // Only counts leave: no organisation, user, address or app name is on the public endpoint.
    expect(body).not.toContain(admin.orgId);
    expect(body).not.toContain('ana@acme.test');
    expect(body).not.toContain('rota');

    // A flood of scrapes is not a flood of queries: the figures are read at most once per 10 s.
    await db.insertInto('incoming_mail').values({ message_id: '<m4@mail.test>', raw: Buffer.from('x'), envelope_from: 'bo@acme.test', envelope_to: ['marketplace@marketplace.localhost'], state: 'stored' }).execute();
    expect(sample(await scrape(), 'marketplace_mail_received_total')).toBe(3);
  });
});
