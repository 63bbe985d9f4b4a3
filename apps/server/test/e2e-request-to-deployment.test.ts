import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, createJobQueue, migrate, type JobQueue } from '@marketplace/db';
import { listTemplates } from '@marketplace/generators';
import { openMaildir } from '@marketplace/mail';
import { mailboxDirectory, startMailHub, type MailHub } from '@marketplace/mail/hub';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll, probeHealth, startAgent, type RunningAgent } from '../../agent/src/index.js';
import { loadConfig } from '../src/config/config.js';
import { migrations } from '../src/composition/migrations.js';
import type { Db } from '../src/db/schema.js';
import { jobDefinitions } from '../src/composition/jobs.js';
import { createOrgKeys } from '../src/modules/org-keys/org-keys-service.js';
import { call, createTestApp, register, TEST_SECRET, type Account, type TestApp } from './helper.js';
import { createLocalEventBus } from '../src/modules/events/event-bus.js';

/**
 * The product's whole promise on embedded defaults, for every app kind: an AppSpec becomes a signed
 * release in the catalog, which goes by itself (no `distribute`) through the real mail hub into the
 * requester's agent's Maildir, the agent verifies and runs it, the app answers its health path, and the server shows the
 * deployment healthy.
 */
let t: TestApp;
let queue: JobQueue;
let hub: MailHub;
let admin: Account;
let agent: RunningAgent;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'e2e-'));
  hub = await startMailHub({ dataDir: work, port: 0, fsync: false });
  // SMTP_FROM left at its default on purpose: the release e-mail must build with it.
  const env = { DATA_DIR: work, SMTP_LISTEN_PORT: String(hub.port), ROOT_KEY_PASSPHRASE: 'an end-to-end root passphrase' };
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, ...env });
  const database = await createDatabase({ memory: true });
  await migrate(database, migrations);
  queue = createJobQueue(database, { pollingIntervalSeconds: 0.5 });
  const services = {
    db: database.db as Db,
    config,
    queue,
    keys: createOrgKeys(database.db, async () => config.rootKey.passphrase!),
    logger: pino({ level: 'silent' }),
    events: createLocalEventBus(),
    workDir: join(work, 'pipeline'),
    releaseValidityDays: 30,
  };
  for (const job of jobDefinitions(services)) queue.register(job);
  await queue.start();
  t = await createTestApp({ database, jobs: queue, env });
  const serverUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  admin = await register(t.app, { organization: 'End to End' });
  const { code } = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  const home = join(work, 'agent-home');
  const enrolled = await enroll({ server: serverUrl, code, home });
  agent = await startAgent({ home, mailbox: await openMaildir(mailboxDirectory(work, enrolled.mailbox), { fsWatch: false }), maxHealthTimeoutMs: 20_000, log: () => {} });
}, 120_000);

afterAll(async () => {
  await agent?.stop({ stopApps: true });
  await queue?.stop({ graceful: false });
  await hub?.close();
  await t?.close();
  await t?.database.close();
  rmSync(work, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('request → signed release → e-mail → agent → healthy, for every kind', () => {
  for (const template of listTemplates()) {
    it(`${template.kind}`, async () => {
      const spec = { ...template.exampleSpec, name: `e2e-${template.kind}` };
      const submitted = await call(t.app, admin, { method: 'POST', url: '/api/v1/requests', payload: { spec } });
      expect(submitted.statusCode, submitted.body).toBe(202);
      const request = await until('the request to finish', async () => {
        const body = (await call(t.app, admin, { method: 'GET', url: `/api/v1/requests/${submitted.json().id}` })).json();
        return body.state === 'published' || body.state === 'failed' ? body : undefined;
      });
      expect(request.state, JSON.stringify(request.steps)).toBe('published');

      // the requester's own agent gets the release without a distribute…
      expect(request.deliveries).toMatchObject([{ recipient: agent.config.mailbox, state: expect.stringMatching(/^(queued|sending|sent)$/) }]);
      // …and distributing it explicitly as well is that same delivery, not a second e-mail
      const distributed = await call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${request.appId}/versions/${request.version}/distribute`, payload: {} });
      expect(distributed.statusCode, distributed.body).toBe(202);
      expect(distributed.json().deliveries).toMatchObject([{ id: request.deliveries[0].id, recipient: agent.config.mailbox }]);
      await until('the release e-mail to be sent', async () => {
        const items = (await call(t.app, admin, { method: 'GET', url: `/api/v1/deliveries?appId=${request.appId}` })).json().items;
        if (items[0]?.state === 'failed') throw new Error(`delivery failed: ${items[0].error}`);
        return items[0]?.state === 'sent' ? items : undefined;
      });

      expect(await agent.processOnce()).toMatchObject({ processed: 1 });
      expect((await call(t.app, admin, { method: 'GET', url: `/api/v1/requests/${request.id}` })).json().deliveries).toMatchObject([{ id: request.deliveries[0].id, state: 'sent' }]);
      const deployed = agent.deployer.apps().find((app) => app.name === spec.name);
      const reports = (await call(t.app, admin, { method: "GET", url: `/api/v1/deployments?app=${spec.name}` })).json().items;
      expect(deployed, JSON.stringify(reports)).toBeDefined();
      expect((await probeHealth(deployed!.port!, '/healthz')).ok).toBe(true);
      const deployments = (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments?app=${spec.name}` })).json().items;
      expect(deployments).toMatchObject([{ app: spec.name, version: request.version, state: 'healthy', agentId: agent.config.agentId }]);

      // Sending the same version again is the same delivery, not a second e-mail.
      const again = await call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${request.appId}/versions/${request.version}/distribute`, payload: {} });
      expect(again.json().deliveries[0].id).toBe(distributed.json().deliveries[0].id);
      // …and so is sending it to a group the agent's owner belongs to.
      const group = await call(t.app, admin, { method: 'POST', url: '/api/v1/groups', payload: { name: `team-${template.kind}`, members: [admin.userId] } });
      expect(group.statusCode, group.body).toBe(201);
      const toGroup = await call(t.app, admin, { method: 'POST', url: `/api/v1/apps/${request.appId}/versions/${request.version}/distribute`, payload: { groupIds: [group.json().id] } });
      expect(toGroup.json().deliveries.map((d: { id: string }) => d.id)).toEqual([distributed.json().deliveries[0].id]);
    }, 240_000);
  }

  it('leaves delivery to an explicit distribute when the organisation turned deliverToRequester off', async () => {
    const off = await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { distribution: { deliverToRequester: false } } } });
    expect(off.json().settings.distribution.deliverToRequester).toBe(false);
    const template = listTemplates()[0]!;
    const spec = { ...template.exampleSpec, name: `e2e-manual-${template.kind}` };
    const submitted = await call(t.app, admin, { method: 'POST', url: '/api/v1/requests', payload: { spec } });
    const request = await until('the request to finish', async () => {
      const body = (await call(t.app, admin, { method: 'GET', url: `/api/v1/requests/${submitted.json().id}` })).json();
      return body.state === 'published' || body.state === 'failed' ? body : undefined;
    });
    expect(request.state, JSON.stringify(request.steps)).toBe('published');
    expect(request.deliveries).toEqual([]);
    expect((await call(t.app, admin, { method: 'GET', url: `/api/v1/deliveries?appId=${request.appId}` })).json().items).toEqual([]);
  }, 240_000);
});
