import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@marketplace/db';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerDatabase } from '../src/db/database.js';
import type { Db } from '../src/db/schema.js';
import type { OrgEvent } from '../src/modules/events/event-bus.js';
import { withEvents } from '../src/modules/events/events-repository.js';
import { mqttOutboxSize } from '../src/modules/mqtt/mqtt-outbox.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { requireBinary } from './system-binary.js';
import { freePort } from './free-port.js';

const mosquitto = requireBinary('mosquitto', 'mosquitto');

/** Connects a client once the broker accepts connections (it is starting meanwhile). */
async function connectWhenUp(url: string, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 2000, ...options });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe.runIf(mosquitto)('events to a real Mosquitto broker', () => {
  let dir: string;
  let port: number;
  let broker: ChildProcess | null = null;
  let url: string;
  let database: ServerDatabase;
  let t: TestApp | null = null;
  let admin: Account;
  let listener: MqttClient;
  const received: { topic: string; body: string; qos: number }[] = [];

  const startBroker = () => {
    broker = spawn(mosquitto!, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  };
  const stopBroker = async () => {
    const running = broker!;
    broker = null;
    const exited = once(running, 'exit');
    running.kill('SIGTERM');
    await exited;
  };
  const startApp = async () => {
    t = await createTestApp({ database, env: { MQTT_URL: url } });
  };
  const db = () => database.db as Db;
  /** Commits a change's event as its writers do (the outbox, decision 0042), then waits for the relay. */
  const emit = async (event: OrgEvent) => {
    await withEvents(db(), t!.app.events, (_trx, record) => record(event));
    await t!.app.webhooks.idle();
  };
  const deploymentEvent = (id: string, state: string): OrgEvent => ({ orgId: admin.orgId, type: 'deployment', data: { id, appId: randomUUID(), app: 'rooms', version: '1.0.0', agentId: randomUUID(), state, health: 'healthy' }, audience: {} });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosquitto-'));
    port = await freePort();
    // The broker keeps the listener's session on disk across its restarts (and so what was published for it meanwhile);
    // run as root it writes as the mosquitto user, hence a directory anyone may write (inside one anyone may enter).
    chmodSync(dir, 0o711);
    const persistence = join(dir, 'persistence');
    mkdirSync(persistence, { mode: 0o777 });
    chmodSync(persistence, 0o777);
    writeFileSync(join(dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${persistence}/\n`);
    startBroker();
    url = `mqtt://127.0.0.1:${port}`;
    // A lasting session (MQTT 5, kept an hour): messages published while it reconnects after a broker restart wait for it.
    listener = await connectWhenUp(url, { clientId: `listener-${process.pid}`, clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 3600 }, reconnectPeriod: 200 });
    await listener.subscribeAsync('marketplace/#', { qos: 1 });
    listener.on('message', (topic, payload, packet) => received.push({ topic, body: payload.toString('utf8'), qos: packet.qos }));
    database = (await createDatabase({ memory: true })) as ServerDatabase;
    await startApp();
    admin = await register(t!.app);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await database?.close();
    await listener?.endAsync(true);
    if (broker) await stopBroker();
    rmSync(dir, { recursive: true, force: true });
  });

  const until = async (what: string, probe: () => boolean) => {
    const deadline = Date.now() + 30_000;
    while (!probe()) {
      if (Date.now() > deadline) throw new Error(`no MQTT message: ${what} (got ${received.map((r) => r.topic).join(', ')})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  /** The MQTT outbox's size once the acknowledged messages are deleted (it is checked until empty, for at most 10 s). */
  const outboxDrained = async () => {
    const deadline = Date.now() + 10_000;
    while ((await mqttOutboxSize(db())) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    return mqttOutboxSize(db());
  };
  const bodiesOf = (deploymentId: string) => received.filter((r) => r.topic.includes(`/deployments/${deploymentId}/`)).map((r) => JSON.parse(r.body) as { id: string; type: string });

  it('publishes deployments, published requests and reviews at documented topics with QoS 1 and the event id, without review text', async () => {
    const slug = (await call(t!.app, admin, { method: 'GET', url: '/api/v1/auth/me' })).json().organization.slug as string;
    const deploymentId = randomUUID();
    await emit(deploymentEvent(deploymentId, 'rolled-back'));
    const requestId = randomUUID();
    await emit({ orgId: admin.orgId, type: 'request', data: { id: requestId, name: 'rooms', state: 'published', step: 'publish', stepState: 'done', appId: randomUUID(), version: '1.0.0' }, audience: {} });
    // Not an integration event: a step still running.
    await emit({ orgId: admin.orgId, type: 'request', data: { id: requestId, state: 'validating', step: 'validate', stepState: 'running' }, audience: {} });
    const appId = randomUUID();
    await db().insertInto('apps').values({ id: appId, org_id: admin.orgId, name: 'rooms', title: 'Rooms', summary: 'Book rooms', kind: 'api-service', tags: [], spec: '{}', latest_version: '1.0.0', author_id: admin.userId }).execute();
    expect((await call(t!.app, admin, { method: 'PUT', url: `/api/v1/apps/${appId}/reviews/mine`, payload: { rating: 5, text: 'my private words' } })).statusCode).toBe(200);

    await until('three events', () => received.length >= 3);
    const topics = received.map((r) => r.topic).sort();
    expect(topics).toEqual([`marketplace/${slug}/apps/${appId}/reviews/added`, `marketplace/${slug}/deployments/${deploymentId}/rolled_back`, `marketplace/${slug}/requests/${requestId}/published`].sort());
    expect(received.every((r) => r.qos === 1)).toBe(true);
    const review = JSON.parse(received.find((r) => r.topic.endsWith('/reviews/added'))!.body);
    expect(review).toMatchObject({ type: 'review.added', data: { appId, app: 'rooms', rating: 5 } });
    expect(received.map((r) => r.body).join()).not.toContain('my private words');
    expect(JSON.parse(received.find((r) => r.topic.endsWith('/published'))!.body).data).toMatchObject({ id: requestId, name: 'rooms', version: '1.0.0' });
    const ids = received.map((r) => (JSON.parse(r.body) as { id: string }).id);
    expect(ids.every((id) => /^msg_[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(3);
    expect(await outboxDrained()).toBe(0);
  });

  it('keeps an event emitted while the broker is down and publishes it once the broker is back', async () => {
    await stopBroker();
    const deploymentId = randomUUID();
    await emit(deploymentEvent(deploymentId, 'healthy'));
    // Relayed from the event outbox and waiting for the broker's acknowledgement.
    expect(await mqttOutboxSize(db())).toBe(1);
    expect(bodiesOf(deploymentId)).toEqual([]);

    startBroker();
    await until('the event emitted during the outage', () => bodiesOf(deploymentId).length > 0);
    expect(bodiesOf(deploymentId)[0]).toMatchObject({ type: 'deployment.healthy', data: { id: deploymentId } });
    expect(await outboxDrained()).toBe(0);
  }, 60_000);

  it('keeps an event across a restart of the server: a new process on the same database publishes it', async () => {
    await stopBroker();
    const deploymentId = randomUUID();
    await emit(deploymentEvent(deploymentId, 'unhealthy'));
    expect(await mqttOutboxSize(db())).toBe(1);
    await t!.close();
    t = null;

    startBroker();
    await startApp();
    await until('the event emitted before the restart', () => bodiesOf(deploymentId).length > 0);
    const [body] = bodiesOf(deploymentId);
    expect(body).toMatchObject({ type: 'deployment.unhealthy', data: { id: deploymentId } });
    // The same id whichever process publishes it: a receiver de-duplicates on it.
    expect(body!.id).toMatch(/^msg_[0-9a-f]{32}$/);
  }, 60_000);
});
