import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { requireBinary } from './system-binary.js';
import { freePort } from './free-port.js';

const mosquitto = requireBinary('mosquitto', 'mosquitto');


/** Connects a subscriber once the broker accepts connections (it is starting meanwhile). */
async function subscriber(url: string): Promise<MqttClient> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 2000 });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe.runIf(mosquitto)('events to a real Mosquitto broker', () => {
  let dir: string;
  let broker: ChildProcess;
  let url: string;
  let t: TestApp;
  let admin: Account;
  let listener: MqttClient;
  const received: { topic: string; body: string; qos: number }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosquitto-'));
    const port = await freePort();
    writeFileSync(join(dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n`);
    broker = spawn(mosquitto!, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    url = `mqtt://127.0.0.1:${port}`;
    listener = await subscriber(url);
    await listener.subscribeAsync('marketplace/#', { qos: 1 });
    listener.on('message', (topic, payload, packet) => received.push({ topic, body: payload.toString('utf8'), qos: packet.qos }));
    t = await createTestApp({ env: { MQTT_URL: url } });
    admin = await register(t.app);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await listener?.endAsync(true);
    broker?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  const until = async (what: string, probe: () => boolean) => {
    const deadline = Date.now() + 15_000;
    while (!probe()) {
      if (Date.now() > deadline) throw new Error(`no MQTT message: ${what} (got ${received.map((r) => r.topic).join(', ')})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('publishes deployments, published requests and reviews at documented topics with QoS 1, without review text', async () => {
    const slug = (await call(t.app, admin, { method: 'GET', url: '/api/v1/auth/me' })).json().organization.slug as string;
    const deploymentId = randomUUID();
    t.app.events.publish({ orgId: admin.orgId, type: 'deployment', data: { id: deploymentId, appId: randomUUID(), app: 'rooms', version: '1.0.0', agentId: randomUUID(), state: 'rolled-back', health: 'healthy' }, audience: {} });
    const requestId = randomUUID();
    t.app.events.publish({ orgId: admin.orgId, type: 'request', data: { id: requestId, name: 'rooms', state: 'published', step: 'publish', stepState: 'done', appId: randomUUID(), version: '1.0.0' }, audience: {} });
    // Not an integration event: a step still running.
    t.app.events.publish({ orgId: admin.orgId, type: 'request', data: { id: requestId, state: 'validating', step: 'validate', stepState: 'running' }, audience: {} });
    const appId = randomUUID();
    await (t.database.db as Db).insertInto('apps').values({ id: appId, org_id: admin.orgId, name: 'rooms', title: 'Rooms', summary: 'Book rooms', kind: 'api-service', tags: [], spec: '{}', latest_version: '1.0.0', author_id: admin.userId }).execute();
    expect((await call(t.app, admin, { method: 'PUT', url: `/api/v1/apps/${appId}/reviews/mine`, payload: { rating: 5, text: 'my private words' } })).statusCode).toBe(200);

    await until('three events', () => received.length >= 3);
    const topics = received.map((r) => r.topic).sort();
    expect(topics).toEqual([`marketplace/${slug}/apps/${appId}/reviews/added`, `marketplace/${slug}/deployments/${deploymentId}/rolled_back`, `marketplace/${slug}/requests/${requestId}/published`].sort());
    expect(received.every((r) => r.qos === 1)).toBe(true);
    const review = JSON.parse(received.find((r) => r.topic.endsWith('/reviews/added'))!.body);
    expect(review).toMatchObject({ type: 'review.added', data: { appId, app: 'rooms', rating: 5 } });
    expect(received.map((r) => r.body).join()).not.toContain('my private words');
    expect(JSON.parse(received.find((r) => r.topic.endsWith('/published'))!.body).data).toMatchObject({ id: requestId, name: 'rooms', version: '1.0.0' });
  });
});
