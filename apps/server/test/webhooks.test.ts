import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { postWebhook } from '../src/modules/webhooks/webhook-post.js';
import { sweepWebhooks, UNSENT_AFTER_MS } from '../src/modules/webhooks/webhook-sweeper.js';
import { recordMessage } from '../src/modules/webhooks/webhooks-repository.js';
import type { OrgEvent } from '../src/modules/events/event-bus.js';
import { withEvents } from '../src/modules/events/events-repository.js';
import { call, createPipelineApp, createTestApp, register, type Account } from './helper.js';

/** What the local receiver got: path, headers, body, and whether standardwebhooks verified it. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/**
 * A local webhook receiver. Paths: /ok, /big (5 KB answer), /fail-twice (500, 500, then 200),
 * /slow-once (the first request never answers), /always-500. Each request is checked with the
 * standardwebhooks package against the secret registered for its path.
 */
function startReceiver() {
  const received: Received[] = [];
  const secrets = new Map<string, string>();
  const hits = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0]!;
      const body = Buffer.concat(chunks).toString('utf8');
      const secret = secrets.get(path);
      let verified = false;
      try {
        if (secret) verified = Boolean(new Webhook(secret).verify(body, request.headers as Record<string, string>));
      } catch {
        verified = false;
      }
      received.push({ path, headers: request.headers, body, verified });
      const hit = (hits.get(path) ?? 0) + 1;
      hits.set(path, hit);
      if (path.startsWith('/slow-once') && hit === 1) return; // never answers: the sender's timeout must end it
      if (path.startsWith('/always-500') || (path.startsWith('/fail-twice') && hit <= 2)) return void response.writeHead(500).end('receiver down');
      if (path.startsWith('/big')) return void response.writeHead(200).end('x'.repeat(5000));
      response.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  return {
    received,
    secrets,
    of: (path: string) => received.filter((r) => r.path === path),
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('outgoing webhooks', () => {
  const receiver = startReceiver();
  let base = '';
  let pipeline: Awaited<ReturnType<typeof createPipelineApp>>;
  let admin: Account;

  beforeAll(async () => {
    base = await receiver.listen();
    pipeline = await createPipelineApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_TIMEOUT_MS: '700', WEBHOOK_RETRY_SCHEDULE: '1,1', WEBHOOK_DISABLE_AFTER_FAILURES: '3' });
    admin = await register(pipeline.t.app);
  });
  afterAll(async () => {
    // Let the last deliveries finish their bookkeeping before the database closes under them.
    await pipeline.t.app.webhooks.idle();
    const db = pipeline.t.database.db as Db;
    await until(async () => (await db.selectFrom('webhook_deliveries').select('id').where('state', '=', 'pending').execute()).length === 0, 'no pending deliveries', 10_000).catch(() => undefined);
    await pipeline?.close();
    await receiver.close();
  });

  const app = () => pipeline.t.app;
  async function subscribe(path: string, events: string[], format = 'standard') {
    const created = await call(app(), admin, { method: 'POST', url: '/api/v1/webhooks', payload: { url: `${base}${path}`, events, format, description: path } });
    expect(created.statusCode, created.body).toBe(201);
    receiver.secrets.set(path, created.json().secret);
    return created.json() as { id: string; secret: string };
  }
  const deployment = (state: string, app = 'visitor-log') => ({ orgId: admin.orgId, type: 'deployment' as const, data: { id: randomUUID(), appId: randomUUID(), app, version: '1.2.0', agentId: randomUUID(), state, health: state }, audience: { roles: ['admin' as const] } });
  /** A change's event as its writer records it: in a transaction (the outbox), then published live after the commit. */
  const happen = (event: OrgEvent) => withEvents(app().db, app().events, (_trx, emit) => emit(event));
  const deliveries = async (id: string) => (await call(app(), admin, { method: 'GET', url: `/api/v1/webhooks/${id}/deliveries` })).json().items as Array<Record<string, any>>;

  it('shows the whsec_ secret once, stores it sealed, and delivers signed events only of the chosen types', async () => {
    const hook = await subscribe('/ok', ['deployment.healthy', 'review.added']);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const shown = await call(app(), admin, { method: 'GET', url: `/api/v1/webhooks/${hook.id}` });
    expect(shown.body).not.toContain(hook.secret);
    const stored = await (pipeline.t.database.db as Db).selectFrom('webhook_subscriptions').select('secret_sealed').where('id', '=', hook.id).executeTakeFirstOrThrow();
    expect(stored.secret_sealed).not.toContain(hook.secret.slice(6, 20));

    await happen(deployment('unhealthy'));
    await happen(deployment('healthy'));
    // A real route: a new review is an event; its text never leaves.
    const appId = randomUUID();
    await (pipeline.t.database.db as Db).insertInto('apps').values({ id: appId, org_id: admin.orgId, name: 'visitor-log', title: 'Visitor log', summary: 'Who came in', kind: 'api-service', tags: [], spec: '{}', latest_version: '1.0.0', author_id: admin.userId }).execute();
    expect((await call(app(), admin, { method: 'PUT', url: `/api/v1/apps/${appId}/reviews/mine`, payload: { rating: 4, text: 'private opinion' } })).statusCode).toBe(200);

    await until(async () => receiver.of('/ok').length >= 2, 'two deliveries');
    const got = receiver.of('/ok');
    expect(got.every((r) => r.verified)).toBe(true);
    expect(got.map((r) => JSON.parse(r.body).type).sort()).toEqual(['deployment.healthy', 'review.added']);
    expect(got.map((r) => r.body).join()).not.toContain('private opinion');
    expect(JSON.parse(got.find((r) => r.body.includes('deployment'))!.body)).toMatchObject({ type: 'deployment.healthy', data: { app: 'visitor-log', version: '1.2.0', state: 'healthy' } });
    const log = await until(async () => {
      const items = await deliveries(hook.id);
      return items.length === 2 && items.every((d) => d.state === 'succeeded') && items;
    }, 'the delivery log');
    expect(log[0]).toMatchObject({ attempts: 1, lastStatus: 200, responseExcerpt: 'thanks', lastError: null });
    // A delivery that tampered with the body would not verify.
    const healthy = got.find((r) => r.body.includes('deployment.healthy'))!;
    expect(() => new Webhook(hook.secret).verify(healthy.body.replace('deployment.healthy', 'deployment.HEALTHY'), healthy.headers as Record<string, string>)).toThrow();
  });

  it('retries after 500s with the same webhook-id and logs every attempt', async () => {
    const hook = await subscribe('/fail-twice', ['deployment.rolled_back']);
    await happen(deployment('rolled-back'));
    const [delivery] = await until(async () => {
      const items = await deliveries(hook.id);
      return items[0]?.state === 'succeeded' && items;
    }, 'the third attempt to succeed');
    expect(delivery).toMatchObject({ attempts: 3, lastStatus: 200 });
    const detail = (await call(app(), admin, { method: 'GET', url: `/api/v1/webhook-deliveries/${delivery!.id}` })).json();
    expect(detail.attemptLog.map((a: { status: number; error: string | null }) => [a.status, a.error])).toEqual([[500, 'HTTP 500'], [500, 'HTTP 500'], [200, null]]);
    expect(detail.attemptLog[0].responseExcerpt).toBe('receiver down');
    const ids = new Set(receiver.of('/fail-twice').map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    expect(receiver.of('/fail-twice').every((r) => r.verified)).toBe(true);
  });

  it('gives up on a receiver that does not answer in time and retries it', async () => {
    const hook = await subscribe('/slow-once', ['deployment.unhealthy']);
    await happen(deployment('unhealthy'));
    const detail = await until<{ attemptLog: Array<{ error: string | null; durationMs: number }> }>(async () => {
      const [delivery] = await deliveries(hook.id);
      if (delivery?.state !== 'succeeded') return null;
      return (await call(app(), admin, { method: 'GET', url: `/api/v1/webhook-deliveries/${delivery.id}` })).json();
    }, 'the retry after a timeout');
    expect(detail.attemptLog.map((a: { error: string | null }) => a.error)).toEqual(['TIMEOUT', null]);
    expect(detail.attemptLog[0]!.durationMs).toBeGreaterThanOrEqual(650);
    expect(detail.attemptLog[0]!.durationMs).toBeLessThan(5000);
  });

  it('replays a delivery with the same webhook-id, keeps only an excerpt of answers, and test-sends', async () => {
    const hook = await subscribe('/big', ['approval.needed'], 'slack');
    await happen({ orgId: admin.orgId, type: 'approval', data: { id: randomUUID(), kind: 'publish', appName: 'expenses', version: '2.0.0', state: 'waiting' }, audience: { roles: ['reviewer'] } });
    const [first] = await until(async () => {
      const items = await deliveries(hook.id);
      return items[0]?.state === 'succeeded' && items;
    }, 'the first delivery');
    expect(first!.responseExcerpt).toHaveLength(512);
    const slack = JSON.parse(receiver.of('/big')[0]!.body);
    expect(slack.text).toBe('expenses 2.0.0 waits for a reviewer (publishing).');
    expect(slack.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: slack.text } });

    const replay = await call(app(), admin, { method: 'POST', url: `/api/v1/webhook-deliveries/${first!.id}/replay` });
    expect(replay.statusCode).toBe(202);
    await until(async () => receiver.of('/big').length === 2, 'the replay');
    const [a, b] = receiver.of('/big');
    expect(b!.headers['webhook-id']).toBe(a!.headers['webhook-id']);
    expect(b!.verified).toBe(true);
    expect((await deliveries(hook.id)).find((d) => d.id === replay.json().id)).toMatchObject({ replayOf: first!.id });

    const test = await call(app(), admin, { method: 'POST', url: `/api/v1/webhooks/${hook.id}/test` });
    expect(test.json()).toMatchObject({ state: 'succeeded', lastStatus: 200 });
    expect(JSON.parse(receiver.of('/big')[2]!.body).text).toContain('this webhook works');
  });

  it('rotates the secret: during the overlap receivers of the old and of the new secret both verify, after it only the new one', async () => {
    const hook = await subscribe('/rotating', ['deployment.rolled_back']);
    const oldSecret = hook.secret;
    const rotated = await call(app(), admin, { method: 'POST', url: `/api/v1/webhooks/${hook.id}/rotate-secret` });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const newSecret = rotated.json().secret as string;
    expect(newSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(newSecret).not.toBe(oldSecret);
    // The overlap is WEBHOOK_SECRET_OVERLAP_HOURS (default 24 h) from now.
    const overlapEnd = Date.parse(rotated.json().previousSecretUntil);
    expect(overlapEnd - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    expect(overlapEnd - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    // Shown once: neither secret is in the subscription afterwards, nor in the audit trail.
    const shown = await call(app(), admin, { method: 'GET', url: `/api/v1/webhooks/${hook.id}` });
    expect(shown.json().previousSecretUntil).toBe(rotated.json().previousSecretUntil);
    expect(shown.body).not.toContain(newSecret);
    const audit = (await call(app(), admin, { method: 'GET', url: '/api/v1/audit?limit=50' })).json().items as Array<{ action: string }>;
    expect(audit.map((entry) => entry.action)).toContain('webhook.rotate-secret');
    expect(JSON.stringify(audit)).not.toContain(newSecret.slice(6));

    const verifies = (secret: string, got: Received) => {
      try {
        return Boolean(new Webhook(secret).verify(got.body, got.headers as Record<string, string>));
      } catch {
        return false;
      }
    };
    expect((await call(app(), admin, { method: 'POST', url: `/api/v1/webhooks/${hook.id}/test` })).json()).toMatchObject({ state: 'succeeded' });
    const during = receiver.of('/rotating').at(-1)!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect([verifies(oldSecret, during), verifies(newSecret, during)]).toEqual([true, true]);
    // Retries through the queue are signed alike.
    await happen(deployment('rolled-back'));
    await until(async () => receiver.of('/rotating').length === 2, 'the event delivery during the overlap');
    expect([verifies(oldSecret, receiver.of('/rotating')[1]!), verifies(newSecret, receiver.of('/rotating')[1]!)]).toEqual([true, true]);

    // The overlap ends: the old secret no longer signs, and the sweep forgets it.
    await (pipeline.t.database.db as Db).updateTable('webhook_subscriptions').set({ previous_secret_until: new Date(Date.now() - 1000) }).where('id', '=', hook.id).execute();
    expect((await call(app(), admin, { method: 'GET', url: `/api/v1/webhooks/${hook.id}` })).json().previousSecretUntil).toBeNull();
    expect((await call(app(), admin, { method: 'POST', url: `/api/v1/webhooks/${hook.id}/test` })).json()).toMatchObject({ state: 'succeeded' });
    const after = receiver.of('/rotating').at(-1)!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect([verifies(oldSecret, after), verifies(newSecret, after)]).toEqual([false, true]);
    const swept = await sweepWebhooks({ db: pipeline.t.database.db as Db, config: app().config, queue: null });
    expect(swept.secrets).toBeGreaterThanOrEqual(1);
    const stored = await (pipeline.t.database.db as Db).selectFrom('webhook_subscriptions').select(['previous_secret_sealed', 'previous_secret_until']).where('id', '=', hook.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ previous_secret_sealed: null, previous_secret_until: null });

    expect((await call(app(), admin, { method: 'POST', url: `/api/v1/webhooks/${randomUUID()}/rotate-secret` })).statusCode).toBe(404);
  });

  it('sends a delivery whose job was lost (recorded, then the process died before queueing it) from the next sweep', async () => {
    const hook = await subscribe('/lost-job', ['review.added']);
    const db = pipeline.t.database.db as Db;
    // What a crash right after recording leaves: a committed message and pending delivery, and no job.
    const payload = { type: 'review.added', timestamp: new Date().toISOString(), data: { app: 'orphan', rating: 5 } };
    const { deliveryIds } = await recordMessage(db, admin.orgId, payload, [hook.id]);
    const fresh = await sweepWebhooks({ db, config: app().config, queue: pipeline.queue });
    expect(fresh.requeued).toBe(0); // younger than UNSENT_AFTER_MS: its job may still be on its way
    await db.updateTable('webhook_deliveries').set({ created_at: new Date(Date.now() - UNSENT_AFTER_MS - 60_000) }).where('id', '=', deliveryIds[0]!).execute();
    const swept = await sweepWebhooks({ db, config: app().config, queue: pipeline.queue });
    expect(swept.requeued).toBe(1);
    // A second sweep (another worker's, say) does not queue it again.
    expect((await sweepWebhooks({ db, config: app().config, queue: pipeline.queue })).requeued).toBe(0);
    const [got] = await until(async () => receiver.of('/lost-job').length > 0 && receiver.of('/lost-job'), 'the recovered delivery');
    expect(got!.verified).toBe(true);
    expect(JSON.parse(got!.body)).toMatchObject({ type: 'review.added', data: { app: 'orphan', rating: 5 } });
    await until(async () => (await deliveries(hook.id))[0]?.state === 'succeeded', 'the recovered delivery to be logged');
    expect(receiver.of('/lost-job')).toHaveLength(1);
  });

  it('sends Teams subscribers an Adaptive Card message', async () => {
    await subscribe('/ok-teams', ['deployment.healthy'], 'teams');
    await happen(deployment('healthy', 'rooms'));
    const [got] = await until(async () => receiver.of('/ok-teams').length > 0 && receiver.of('/ok-teams'), 'the Teams delivery');
    const body = JSON.parse(got!.body);
    expect(body).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } }] });
    expect(body.attachments[0].content.body[0].text).toBe('rooms 1.2.0 is running and healthy on a workstation.');
    expect(got!.verified).toBe(true);
  });

  it('disables a subscription after repeated failure, and sends it nothing more until enabled', async () => {
    const hook = await subscribe('/always-500', ['deployment.healthy']);
    await happen(deployment('healthy'));
    const disabled = await until(async () => {
      const shown = (await call(app(), admin, { method: 'GET', url: `/api/v1/webhooks/${hook.id}` })).json();
      return !shown.enabled && shown;
    }, 'the automatic disable');
    expect(disabled.disabledReason).toBe('3 delivery attempts in a row failed');
    expect(receiver.of('/always-500')).toHaveLength(3);
    const audit = (await call(app(), admin, { method: 'GET', url: '/api/v1/audit?limit=50' })).json().items.map((e: { action: string }) => e.action);
    expect(audit).toContain('webhook.create');

    await happen(deployment('healthy'));
    await pipeline.t.app.webhooks.idle();
    await until(async () => receiver.of('/ok').length >= 3, 'the enabled subscriber to get the same event');
    expect(receiver.of('/always-500')).toHaveLength(3);

    const enabled = await call(app(), admin, { method: 'PATCH', url: `/api/v1/webhooks/${hook.id}`, payload: { enabled: true } });
    expect(enabled.json()).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
  });
});

describe('webhook targets (SSRF)', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let admin: Account;
  const receiver = startReceiver();
  let base = '';
  beforeAll(async () => {
    base = await receiver.listen();
    t = await createTestApp();
    admin = await register(t.app);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it.each([
    ['http://127.0.0.1:8080/hook', 'WEBHOOK_TARGET_REFUSED'],
    ['http://[::1]/hook', 'WEBHOOK_TARGET_REFUSED'],
    ['http://[::ffff:10.0.0.1]/hook', 'WEBHOOK_TARGET_REFUSED'],
    ['http://192.168.1.10/hook', 'WEBHOOK_TARGET_REFUSED'],
    ['http://169.254.169.254/latest/meta-data', 'WEBHOOK_TARGET_REFUSED'],
    ['http://localhost:3000/hook', 'WEBHOOK_TARGET_REFUSED'],
    ['http://metadata.google.internal/', 'WEBHOOK_TARGET_REFUSED'],
    ['ftp://hooks.example.com/x', 'WEBHOOK_URL_INVALID'],
    ['file:///etc/passwd', 'WEBHOOK_URL_INVALID'],
    ['https://user:pw@hooks.example.com/x', 'WEBHOOK_URL_INVALID'],
  ])('refuses %s', async (url, code) => {
    const response = await call(t.app, admin, { method: 'POST', url: '/api/v1/webhooks', payload: { url, events: ['request.published'] } });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe(code);
  });

  it('checks the address again at delivery, after DNS: a name resolving to loopback gets nothing', async () => {
    const port = new URL(base).port;
    const result = await postWebhook({ url: `http://localhost:${port}/ok`, headers: {}, body: '{}', timeoutMs: 2000, allowPrivate: false });
    expect(result).toMatchObject({ ok: false, status: null, error: 'TARGET_REFUSED' });
    expect(receiver.received).toHaveLength(0);
    const allowed = await postWebhook({ url: `http://localhost:${port}/ok`, headers: {}, body: '{}', timeoutMs: 2000, allowPrivate: true });
    expect(allowed).toMatchObject({ ok: true, status: 200 });
  });

  it('accepts a public https URL, and only admins manage webhooks', async () => {
    const created = await call(t.app, admin, { method: 'POST', url: '/api/v1/webhooks', payload: { url: 'https://hooks.example.com/marketplace', events: ['request.published', 'request.published'] } });
    expect(created.statusCode).toBe(201);
    expect(created.json().events).toEqual(['request.published']);
    const patched = await call(t.app, admin, { method: 'PATCH', url: `/api/v1/webhooks/${created.json().id}`, payload: { url: 'http://10.1.2.3/' } });
    expect(patched.json().code).toBe('WEBHOOK_TARGET_REFUSED');
  });
});
