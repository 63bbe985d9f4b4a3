import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailHub } from '@marketplace/mail/hub';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createRedisEventBus } from '../src/modules/events/event-bus.js';
import { addUser, call, createPipelineApp, createTestApp, register, type Account } from './helper.js';
import { requireBinary } from './system-binary.js';

/** A real SSE client: fetch over a real socket, parsed with eventsource-parser. */
interface Stream {
  status: number;
  headers: Headers;
  events: EventSourceMessage[];
  retry: number | null;
  /** True once the server has ended the stream. */
  ended: boolean;
  next(type: string, match?: (data: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): void;
}

async function openStream(baseUrl: string, headers: Record<string, string>): Promise<Stream> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/v1/events`, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const events: EventSourceMessage[] = [];
  const waiters = new Set<() => void>();
  const stream: Stream = {
    status: response.status,
    headers: response.headers,
    events,
    retry: null,
    ended: false,
    async next(type, match = () => true, timeoutMs = 10_000) {
      const found = () => events.find((e) => e.event === type && match(JSON.parse(e.data)));
      const deadline = Date.now() + timeoutMs;
      while (!found()) {
        if (Date.now() > deadline) throw new Error(`no "${type}" event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(', ')}`);
        await new Promise<void>((resolve) => {
          waiters.add(resolve);
          setTimeout(resolve, 200);
        });
      }
      return JSON.parse(found()!.data);
    },
    close: () => controller.abort(),
  };
  const parser = createParser({
    onEvent: (event) => {
      events.push(event);
      for (const wake of waiters) wake();
      waiters.clear();
    },
    onRetry: (retry) => (stream.retry = retry),
  });
  if (response.body) {
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
        stream.ended = true;
      } catch {
        // aborted by the test
      }
    })();
  }
  return stream;
}

async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 });
}

async function until(check: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function enrolledAgent(app: FastifyInstance, owner: Account): Promise<{ token: string; agentId: string }> {
  const code = (await call(app, owner, { method: 'POST', url: '/api/v1/agents/enrollments' })).json().code;
  const agent = (await app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'laptop', hostname: 'host', os: 'linux' } })).json();
  const token = (await app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: agent.clientId, client_secret: agent.clientSecret } })).json().access_token;
  return { token, agentId: agent.agentId };
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('live updates over server-sent events', () => {
  it('streams a member’s own request steps as the pipeline runs; another org and another member see none of it', async () => {
    // The release e-mail goes to a real mail hub, so the delivery reaches "sent".
    const work = await mkdtemp(join(tmpdir(), 'events-'));
    const hub = await startMailHub({ dataDir: work, port: 0, fsync: false });
    const pipeline = await createPipelineApp({ DATA_DIR: work, SMTP_LISTEN_PORT: String(hub.port) });
    const { app } = pipeline.t;
    const streams: Stream[] = [];
    try {
      const base = await listen(app);
      const adminA = await register(app, { organization: 'Events A' });
      const member = await addUser(app, adminA, ['member']);
      const otherMember = await addUser(app, adminA, ['member']);
      const adminB = await register(app, { organization: 'Events B' });

      // The member signs in like the web UI (session cookie, no custom header, as EventSource does).
      const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: member.email, password: 'another long password 1', cookie: true }) });
      expect(login.status).toBe(200);
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const mine = await openStream(base, { cookie });
      streams.push(mine);
      expect(mine.status).toBe(200);
      expect(mine.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(mine.headers.get('x-content-type-options')).toBe('nosniff'); // security headers survive the hijacked reply
      await mine.next('ready');
      expect(mine.retry).toBe(3000);
      const theirs = await openStream(base, { authorization: `Bearer ${adminB.token}` });
      const colleague = await openStream(base, { authorization: `Bearer ${otherMember.token}` });
      const reviewer = await openStream(base, { authorization: `Bearer ${adminA.token}` });
      streams.push(theirs, colleague, reviewer);
      await Promise.all([theirs.next('ready'), colleague.next('ready'), reviewer.next('ready')]);

      const submitted = await call(app, member, { method: 'POST', url: '/api/v1/requests', payload: { text: 'I need a REST API to track laptops: serial number, owner e-mail, purchase date, price and status (in use, spare, broken). Protect it with an API key.' } });
      expect(submitted.statusCode, submitted.body).toBe(202);
      const id = submitted.json().id;
      const published = await mine.next('request', (d) => d.id === id && d.state === 'published', 180_000);
      expect(published).toMatchObject({ id, state: 'published', step: 'publish', stepState: 'done', version: '1.0.0' });
      expect(published.appId).toEqual(expect.any(String));

      const seen = mine.events.filter((e) => e.event === 'request').map((e) => JSON.parse(e.data)).filter((d) => d.id === id);
      expect(seen[0]).toMatchObject({ state: 'queued', step: null, stepState: null });
      const steps = seen.filter((d) => d.step).map((d) => `${d.step}:${d.stepState}`);
      for (const step of ['generate', 'validate', 'package', 'scan', 'sign', 'publish']) expect(steps).toEqual(expect.arrayContaining([`${step}:running`, `${step}:done`]));
      expect(seen.find((d) => d.step === 'validate' && d.stepState === 'running')).toMatchObject({ state: 'validating' });
      // Ids count up per connection.
      const ids = mine.events.filter((e) => e.id).map((e) => Number(e.id));
      expect(ids).toEqual(ids.map((_, i) => i + 1));

      // Sending the release to the member's own agent: the delivery's states follow.
      await enrolledAgent(app, member);
      const sent = await call(app, member, { method: 'POST', url: `/api/v1/apps/${published.appId}/versions/1.0.0/distribute`, payload: {} });
      expect(sent.statusCode, sent.body).toBe(202);
      const deliveryId = sent.json().deliveries[0].id;
      expect(await mine.next('delivery', (d) => d.id === deliveryId)).toEqual({ id: deliveryId, appId: published.appId, version: '1.0.0', recipient: sent.json().deliveries[0].recipient, state: 'queued' });
      await mine.next('delivery', (d) => d.id === deliveryId && d.state === 'sending');
      await mine.next('delivery', (d) => d.id === deliveryId && d.state === 'sent', 30_000);
      await reviewer.next('delivery', (d) => d.id === deliveryId && d.state === 'sent');

      // An admin of the same org follows every request; another org and another member see nothing.
      await reviewer.next('request', (d) => d.id === id && d.state === 'published');
      expect(theirs.events.filter((e) => e.event !== 'ready')).toEqual([]);
      expect(colleague.events.filter((e) => e.event !== 'ready')).toEqual([]);
    } finally {
      for (const stream of streams) stream.close();
      await pipeline.close();
      await hub.close();
      await rm(work, { recursive: true, force: true });
    }
  }, 240_000);

  it('shows a deployment to the agent’s owner and to admins, not to another member; conversations only to their owner', async () => {
    const t = await createTestApp();
    const streams: Stream[] = [];
    try {
      const base = await listen(t.app);
      const admin = await register(t.app, { organization: 'Deploy events' });
      const owner = await addUser(t.app, admin, ['member']);
      const other = await addUser(t.app, admin, ['member']);
      const [ownerStream, otherStream, adminStream] = await Promise.all([owner, other, admin].map((account) => openStream(base, { authorization: `Bearer ${account.token}` })));
      streams.push(ownerStream!, otherStream!, adminStream!);
      await Promise.all(streams.map((s) => s.next('ready')));

      const agent = await enrolledAgent(t.app, owner);
      const report = await call(t.app, agent, { method: 'POST', url: '/api/v1/agents/reports', payload: { app: 'room-booking', version: '1.2.0', state: 'healthy', health: { ok: true, latencyMs: 12 } } });
      expect(report.statusCode, report.body).toBe(201);
      const deploymentId = report.json().deploymentId;
      const expected = { id: deploymentId, appId: null, app: 'room-booking', version: '1.2.0', agentId: agent.agentId, state: 'healthy', health: { ok: true, latencyMs: 12 }, updatedAt: expect.any(String) };
      expect(await ownerStream!.next('deployment')).toEqual(expected);
      expect(await adminStream!.next('deployment')).toEqual(expected);

      const conversation = await call(t.app, owner, { method: 'POST', url: '/api/v1/conversations', payload: { text: 'I need a form for expense claims' } });
      expect(conversation.statusCode, conversation.body).toBe(201);
      const event = await ownerStream!.next('conversation', (d) => d.id === conversation.json().id);
      expect(event).toEqual({ id: conversation.json().id, state: conversation.json().state });

      // Everything the owner saw has arrived; the other member got none of it, nor did the admin get the conversation.
      expect(otherStream!.events.map((e) => e.event)).toEqual(['ready']);
      expect(adminStream!.events.map((e) => e.event)).toEqual(['ready', 'deployment']);
    } finally {
      for (const stream of streams) stream.close();
      await t.close();
    }
  });

  it('releases the subscription when the client goes away, and refuses anonymous callers', async () => {
    const t = await createTestApp();
    try {
      const base = await listen(t.app);
      const admin = await register(t.app, { organization: 'Abort events' });
      expect((await fetch(`${base}/api/v1/events`)).status).toBe(401);
      const streams = await Promise.all([1, 2, 3].map(() => openStream(base, { authorization: `Bearer ${admin.token}` })));
      await Promise.all(streams.map((s) => s.next('ready')));
      expect(t.app.events.subscriberCount(admin.orgId)).toBe(3);
      for (const stream of streams) stream.close();
      await until(() => t.app.events.subscriberCount() === 0);
      // A stream still open when the server stops does not hold the shutdown.
      const open = await openStream(base, { authorization: `Bearer ${admin.token}` });
      await open.next('ready');
      expect(t.app.events.subscriberCount()).toBe(1);
    } finally {
      await t.close();
    }
    expect(t.app.events.subscriberCount()).toBe(0);
  });

  it('ends a stream as soon as its caller signs out, is demoted or disabled, or its API key is revoked', async () => {
    const t = await createTestApp();
    try {
      const base = await listen(t.app);
      const admin = await register(t.app, { organization: 'Ended credentials' });
      const [leaving, demoted, disabled, staying] = await Promise.all([addUser(t.app, admin, ['member']), addUser(t.app, admin, ['admin']), addUser(t.app, admin, ['member']), addUser(t.app, admin, ['member'])]);
      const key = (await call(t.app, admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'dashboard', roles: ['member'] } })).json();
      const open = async (authorization: string) => {
        const stream = await openStream(base, { authorization });
        await stream.next('ready');
        return stream;
      };
      const streams = {
        leaving: await open(`Bearer ${leaving!.token}`),
        demoted: await open(`Bearer ${demoted!.token}`),
        disabled: await open(`Bearer ${disabled!.token}`),
        staying: await open(`Bearer ${staying!.token}`),
        key: await open(`Bearer ${key.key}`),
      };
      expect(t.app.events.subscriberCount(admin.orgId)).toBe(5);

      expect((await call(t.app, leaving!, { method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
      await until(() => streams.leaving.ended, 3000);
      // An admin-only event no longer reaches someone who is no longer an admin.
      expect((await call(t.app, admin, { method: 'PATCH', url: `/api/v1/users/${demoted!.userId}`, payload: { roles: ['member'] } })).statusCode).toBe(200);
      await until(() => streams.demoted.ended, 3000);
      expect((await call(t.app, admin, { method: 'PATCH', url: `/api/v1/users/${disabled!.userId}`, payload: { status: 'disabled' } })).statusCode).toBe(200);
      await until(() => streams.disabled.ended, 3000);
      expect((await call(t.app, admin, { method: 'DELETE', url: `/api/v1/api-keys/${key.id}` })).statusCode).toBeLessThan(300);
      await until(() => streams.key.ended, 3000);

      // The one whose rights did not change keeps the stream and its events.
      expect(streams.staying.ended).toBe(false);
      expect(t.app.events.subscriberCount(admin.orgId)).toBe(1);
      for (const stream of Object.values(streams)) stream.close();
    } finally {
      await t.close();
    }
  });

  it('drops a client that stops reading instead of buffering for it without bound', async () => {
    const t = await createTestApp();
    try {
      const base = new URL(await listen(t.app));
      const admin = await register(t.app, { organization: 'Slow reader' });
      const socket = connect(Number(base.port), base.hostname);
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`GET /api/v1/events HTTP/1.1\r\nHost: ${base.host}\r\nAuthorization: Bearer ${admin.token}\r\nAccept: text/event-stream\r\n\r\n`);
      await until(() => t.app.events.subscriberCount(admin.orgId) === 1);
      socket.pause(); // reads nothing more: the kernel buffers fill, then the server's
      const closed = new Promise((resolve) => socket.once('close', resolve));
      const filler = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 2000 && t.app.events.subscriberCount(admin.orgId) > 0; i++) {
        t.app.events.publish({ orgId: admin.orgId, type: 'request', data: { filler }, audience: { roles: ['admin'] } });
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      expect(t.app.events.subscriberCount(admin.orgId)).toBe(0);
      socket.resume();
      await closed;
    } finally {
      await t.close();
    }
  });

  it('documents the stream in OpenAPI', async () => {
    const t = await createTestApp();
    try {
      const doc = (await t.app.inject('/docs/json')).json();
      const operation = doc.paths['/api/v1/events'].get;
      expect(operation.tags).toEqual(['events']);
      expect(Object.keys(operation.responses['200'].content)).toEqual(['text/event-stream']);
    } finally {
      await t.close();
    }
  });

  it('carries an event from one instance to the SSE clients of another through Redis (real redis-server)', async () => {
    const binary = requireBinary('redis-server', 'redis-server');
    if (!binary) return;
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const free = (server.address() as { port: number }).port;
        server.close(() => resolve(free));
      });
    });
    const redis = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    children.push(redis);
    await new Promise((r) => setTimeout(r, 300));
    const url = `redis://127.0.0.1:${port}`;
    const logger = pino({ level: 'silent' });
    const busA = createRedisEventBus(url, logger);
    const busB = createRedisEventBus(url, logger);
    // Instance A plays the worker (it records the report), instance B holds the browser's connection.
    const a = await createTestApp({ events: busA });
    const b = await createTestApp({ events: busB, database: a.database });
    let stream: Stream | undefined;
    let local: Stream | undefined;
    try {
      const base = await listen(b.app);
      const admin = await register(a.app, { organization: 'Redis events' });
      stream = await openStream(base, { authorization: `Bearer ${admin.token}` });
      local = await openStream(await listen(a.app), { authorization: `Bearer ${admin.token}` });
      await Promise.all([stream.next('ready'), local.next('ready')]);
      const agent = await enrolledAgent(a.app, admin);
      const report = await call(a.app, agent, { method: 'POST', url: '/api/v1/agents/reports', payload: { app: 'room-booking', version: '2.0.0', state: 'deploying' } });
      expect(report.statusCode, report.body).toBe(201);
      expect(await stream.next('deployment')).toMatchObject({ id: report.json().deploymentId, state: 'deploying', agentId: agent.agentId });
      // The publishing process hears its own event once, not again through the channel.
      await local.next('deployment');
      await new Promise((r) => setTimeout(r, 200));
      expect(local.events.filter((e) => e.event === 'deployment')).toHaveLength(1);
      expect(stream.events.filter((e) => e.event === 'deployment')).toHaveLength(1);
    } finally {
      stream?.close();
      local?.close();
      await b.close();
      await a.close();
      await busA.close();
      await busB.close();
    }
  });
});
