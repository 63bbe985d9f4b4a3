import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRedisCacheStore, type CacheStore } from '../src/index.js';
import { findRedisServer, startRedisServer, type RedisProcess } from './support/redis-server.js';
import { useWireServer } from './support/recorded-wire-server.js';
import { testGateway, userRequest } from './support/test-gateway.js';

const server = useWireServer();

const CHAT = '/v1/chat/completions';
const openai = () => ({ id: 'openai', kind: 'openai' as const, apiKey: 'sk-test-openai-0123456789', baseURL: `${server.url}/v1`, defaultModel: 'gpt-4o-mini' });

describe('response cache (in-process LRU)', () => {
  it('answers a repeated request from the cache: the second call does not reach the server and costs nothing (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion.json' });
    const { gateway, records } = testGateway({ providers: [openai()] });

    const first = await gateway.generateText(userRequest('track unpaid invoices'));
    const second = await gateway.generateText(userRequest('track unpaid invoices\r\n'));

    expect(server.requests).toHaveLength(1);
    expect(second).toMatchObject({ text: first.text, cacheHit: true, costUsd: 0, provider: 'openai', model: 'gpt-4o-mini' });
    expect(records.map((r) => [r.cacheHit, r.costUsd > 0])).toEqual([
      [false, true],
      [true, false],
    ]);
  });

  it('misses for a different message, temperature or organisation (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion.json' });
    const { gateway } = testGateway({ providers: [openai()] });

    await gateway.generateText(userRequest('track unpaid invoices'));
    await gateway.generateText(userRequest('track paid invoices'));
    await gateway.generateText(userRequest('track unpaid invoices', { temperature: 0.7 }));
    await gateway.generateText(userRequest('track unpaid invoices', { orgId: 'org-other' }));

    expect(server.requests).toHaveLength(4);
  });

  it('replays a cached answer through streamText without calling the provider (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion-stream.sse' });
    const { gateway } = testGateway({ providers: [openai()] });

    for await (const _ of gateway.streamText(userRequest('track unpaid invoices'))) void _;
    const again = gateway.streamText(userRequest('track unpaid invoices'));
    const deltas: string[] = [];
    for await (const delta of again) deltas.push(delta);

    expect(server.requests).toHaveLength(1);
    expect(deltas).toEqual(['A web dashboard that lists open invoices by customer.']);
    expect((await again.result).cacheHit).toBe(true);
  });

  it('keys structured output by schema, and re-validates cached objects (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion-json-schema.json' });
    const { gateway } = testGateway({ providers: [openai()] });
    const schema = z.object({ name: z.string(), kind: z.string(), summary: z.string() });

    await gateway.generateObject({ ...userRequest('track unpaid invoices'), schema });
    const hit = await gateway.generateObject({ ...userRequest('track unpaid invoices'), schema });
    await gateway.generateObject({ ...userRequest('track unpaid invoices'), schema: schema.extend({ owner: z.string().optional() }) });

    expect(hit).toMatchObject({ cacheHit: true, object: { name: 'invoice-tracker' } });
    expect(server.requests).toHaveLength(2);
  });

  it('treats a failing cache store as a miss and still answers (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion.json' });
    const broken: CacheStore = { kind: 'broken', get: () => Promise.reject(new Error('connection reset')), set: () => Promise.reject(new Error('connection reset')) };
    const { gateway, logger } = testGateway({ providers: [openai()], cache: { store: broken } });

    const result = await gateway.generateText(userRequest('track unpaid invoices'));

    expect(result.provider).toBe('openai');
    expect(logger.lines.filter((l) => l.level === 'warn' && /cache (read|write) failed/.test(l.message ?? ''))).toHaveLength(2);
  });

  it('can be switched off (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion.json' });
    const { gateway } = testGateway({ providers: [openai()], cache: false });

    await gateway.generateText(userRequest('track unpaid invoices'));
    await gateway.generateText(userRequest('track unpaid invoices'));

    expect(server.requests).toHaveLength(2);
  });
});

const redisBinary = findRedisServer();
if (!redisBinary) {
  if (process.env.CI === 'true') {
    it('has redis-server installed for the Redis cache store tests', () => {
      throw new Error('redis-server is not installed; run scripts/install-system-deps.sh');
    });
  } else {
    console.warn('SKIPPING the Redis cache store tests: redis-server is not installed; run scripts/install-system-deps.sh');
  }
}

describe.skipIf(!redisBinary)('response cache (Redis store, real redis-server)', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedisServer(redisBinary!);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('shares answers between two gateways (two server processes) through Redis (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion.json' });
    const storeA = createRedisCacheStore({ redis: redis.url, keyPrefix: 'test-share:' });
    const storeB = createRedisCacheStore({ redis: redis.url, keyPrefix: 'test-share:' });
    const a = testGateway({ providers: [openai()], cache: { store: storeA } });
    const b = testGateway({ providers: [openai()], cache: { store: storeB } });

    const first = await a.gateway.generateText(userRequest('track unpaid invoices'));
    const second = await b.gateway.generateText(userRequest('track unpaid invoices'));

    expect(server.requests).toHaveLength(1);
    expect(second).toMatchObject({ cacheHit: true, text: first.text, usage: first.usage });
    await a.gateway.close();
    await b.gateway.close();
  });

  it('lets entries expire after their TTL (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion.json' });
    const { gateway } = testGateway({ providers: [openai()], cache: { store: createRedisCacheStore({ redis: redis.url, keyPrefix: 'test-ttl:' }), ttlMs: 100 } });

    await gateway.generateText(userRequest('track unpaid invoices'));
    await new Promise((r) => setTimeout(r, 250));
    const after = await gateway.generateText(userRequest('track unpaid invoices'));

    expect(after.cacheHit).toBe(false);
    expect(server.requests).toHaveLength(2);
    await gateway.close();
  });

  it('ignores an entry another writer left in an unexpected shape', async () => {
    const store = createRedisCacheStore({ redis: redis.url, keyPrefix: 'test-shape:' });
    await store.set('k', { text: 'ok', inputTokens: 1, outputTokens: 1, tokensEstimated: false, storedAt: new Date().toISOString() }, 60_000);
    const { Redis } = await import('ioredis');
    const raw = new Redis(redis.url);
    await raw.set('test-shape:bad', '{"text": 42}');
    await raw.set('test-shape:garbage', 'not json');
    await raw.quit();

    expect((await store.get('k'))?.text).toBe('ok');
    expect(await store.get('bad')).toBeUndefined();
    expect(await store.get('garbage')).toBeUndefined();
    await store.close?.();
  });
});
