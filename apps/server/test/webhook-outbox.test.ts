import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/composition/server.js';
import type { Db } from '../src/db/schema.js';
import type { OrgEvent } from '../src/modules/events/event-bus.js';
import { outboxSize, withEvents } from '../src/modules/events/events-repository.js';
import { saveReview } from '../src/modules/catalog/reviews-repository.js';
import { TEST_SECRET } from './helper.js';

/**
 * The transactional outbox (decision 0042): an event committed with its change reaches the
 * webhook subscribers even when its process dies between the commit and the relay, and a change
 * that rolls back sends nothing. Two real servers, one after the other, on the same PGlite data dir.
 */
const work = mkdtempSync(join(tmpdir(), 'webhook-outbox-'));
const env = {
  NODE_ENV: 'test',
  DATA_DIR: join(work, 'data'),
  PORT: '0',
  SMTP_LISTEN_PORT: '0',
  JWT_SECRET: TEST_SECRET,
  ROOT_KEY_PASSPHRASE: 'a test root key passphrase',
  LOG_LEVEL: 'silent',
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
};

const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
    response.writeHead(204).end();
  });
});

let server: RunningServer | null = null;
let receiverUrl = '';

async function api(path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const response = await fetch(`${server!.url}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, json: (await response.json()) as any };
}

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const dbOf = (running: RunningServer) => running.runtime.database.db as Db;

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
}, 30_000);

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => receiver.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

describe('webhook outbox', () => {
  let admin: { token: string; userId: string; orgId: string };
  let secret = '';
  let appId = '';
  let eventId = '';

  it('keeps an event whose change committed when its process dies before relaying it', async () => {
    server = await startServer({ role: 'all', handleSignals: false, env });
    const registered = await api('/auth/register', { method: 'POST', body: { organization: 'Outbox Org', name: 'Ana', email: 'ana@outbox.test', password: 'correct horse battery staple' } });
    expect(registered.status).toBe(201);
    admin = { token: registered.json.token, userId: registered.json.user.id, orgId: registered.json.organization.id };
    const hook = await api('/webhooks', { method: 'POST', token: admin.token, body: { url: receiverUrl, events: ['review.added'] } });
    expect(hook.status).toBe(201);
    secret = hook.json.secret;
    appId = randomUUID();
    await dbOf(server)
      .insertInto('apps')
      .values({ id: appId, org_id: admin.orgId, name: 'visitor-log', title: 'Visitor log', summary: 'Who came in', kind: 'api-service', tags: [], spec: '{}', latest_version: '1.0.0', author_id: admin.userId })
      .execute();

    // What kill -9 right after the commit leaves: the relay never runs in this process.
    await server.app!.webhooks.stop();
    const review = await api(`/apps/${appId}/reviews/mine`, { method: 'PUT', token: admin.token, body: { rating: 5, text: 'private opinion' } });
    expect(review.status).toBe(200);
    const waiting = await dbOf(server).selectFrom('event_outbox').select(['id', 'type']).execute();
    expect(waiting).toEqual([{ id: expect.any(String), type: 'review' }]);
    eventId = waiting[0]!.id;
    expect(await dbOf(server).selectFrom('webhook_messages').select('id').execute()).toEqual([]);
    await server.stop();
    server = null;
    expect(received).toHaveLength(0);

    // A new server on the same data dir relays it at start: delivered once, signed, webhook-id from the event.
    server = await startServer({ role: 'all', handleSignals: false, env });
    const [got] = await until(() => received.length > 0 && received, 'the delivery after the restart');
    expect(new Webhook(secret).verify(got!.body, got!.headers as Record<string, string>)).toMatchObject({ type: 'review.added', data: { appId, app: 'visitor-log', rating: 5 } });
    expect(got!.body).not.toContain('private opinion');
    expect(got!.headers['webhook-id']).toBe(`msg_${eventId.replace(/-/g, '')}`);
    expect(await outboxSize(dbOf(server))).toBe(0);
    // Relaying again (the sweep, another process) finds nothing: the event became one delivery.
    expect(await server.app!.webhooks.relayPending()).toEqual({ events: 0, deliveries: 0 });
    expect(await dbOf(server).selectFrom('webhook_deliveries').select('id').execute()).toHaveLength(1);
    expect(received).toHaveLength(1);
  }, 120_000);

  it('sends nothing for a change that rolled back, live or from the outbox', async () => {
    const running = server!;
    const heard: OrgEvent[] = [];
    const stopHearing = running.app!.events.subscribe(admin.orgId, (event) => heard.push(event));
    const change = withEvents(dbOf(running), running.app!.events, async (trx, emit) => {
      const row = await saveReview(trx, { orgId: admin.orgId, appId, userId: admin.userId, rating: 1, text: '' });
      await emit({ orgId: admin.orgId, type: 'review', data: { appId, app: 'visitor-log', rating: row.rating, created: true }, audience: { roles: ['admin'] } });
      throw new Error('the change fails after its event was emitted');
    });
    await expect(change).rejects.toThrow('the change fails after its event was emitted');
    stopHearing();
    expect(heard).toEqual([]);
    expect(await outboxSize(dbOf(running))).toBe(0);
    // The review keeps what was committed before.
    expect(await dbOf(running).selectFrom('reviews').select('rating').where('app_id', '=', appId).execute()).toEqual([{ rating: 5 }]);
    expect(await running.app!.webhooks.relayPending()).toEqual({ events: 0, deliveries: 0 });
    await running.app!.webhooks.idle();
    expect(await dbOf(running).selectFrom('webhook_deliveries').select('id').execute()).toHaveLength(1);
    expect(received).toHaveLength(1);
  });
});
