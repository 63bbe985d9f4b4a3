import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/composition/logger.js';
import type { Db } from '../src/db/schema.js';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';

let t: TestApp;
let admin: Account;
let member: Account;
let other: Account;

const addApp = (account: Account, name: string, title: string, version: string, updatedAt: string) =>
  (t.database.db as Db)
    .insertInto('apps')
    .values({ id: randomUUID(), org_id: account.orgId, name, title, summary: `${title} <for> "everyone" & more`, kind: 'form-app', tags: ['office'], spec: '{}', latest_version: version, author_id: account.userId, updated_at: updatedAt })
    .returning('id')
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  t = await createTestApp();
  admin = await register(t.app, { organization: 'Feed Org' });
  member = await addUser(t.app, admin, ['member']);
  other = await register(t.app, { organization: 'Other Org' });
  await addApp(admin, 'rooms', 'Room booking', '1.2.0', '2026-01-02T00:00:00Z');
  await addApp(admin, 'visitors', 'Visitor log', '2.0.0', '2026-02-03T00:00:00Z');
  await addApp(other, 'secret-payroll', 'Other org payroll', '9.9.9', '2026-03-01T00:00:00Z');
}, 120_000);
afterAll(async () => t.close());

describe('catalog feeds', () => {
  it('serves the catalog as Atom and JSON Feed to a feed token, newest first, only of its organisation', async () => {
    const created = await call(t.app, member, { method: 'POST', url: '/api/v1/feed-tokens', payload: { name: 'Thunderbird' } });
    expect(created.statusCode).toBe(201);
    const { token, atomUrl, jsonUrl } = created.json();
    expect(token).toMatch(/^mpf_[A-Za-z0-9_-]{43}$/);
    expect(atomUrl).toMatch(/\/api\/v1\/feeds\/catalog\.atom\?token=mpf_/);

    const atom = await t.app.inject({ method: 'GET', url: new URL(atomUrl).pathname + new URL(atomUrl).search });
    expect(atom.statusCode).toBe(200);
    expect(atom.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(atom.headers['referrer-policy']).toBe('no-referrer');
    expect(atom.body).not.toContain(token);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(atom.body);
    expect(parsed.feed.title).toBe('Feed Org — app catalog');
    const entries = [parsed.feed.entry].flat();
    expect(entries.map((entry: { title: string | { '#text': string } }) => (typeof entry.title === 'string' ? entry.title : entry.title['#text']))).toEqual(['Visitor log 2.0.0', 'Room booking 1.2.0']);
    expect(JSON.stringify(entries[0])).toContain('Visitor log <for> \\"everyone\\" & more');
    expect(atom.body).not.toContain('payroll');

    const json = await t.app.inject({ method: 'GET', url: new URL(jsonUrl).pathname + new URL(jsonUrl).search });
    expect(json.headers['content-type']).toBe('application/feed+json; charset=utf-8');
    const feed = json.json();
    expect(feed.version).toMatch(/^https:\/\/jsonfeed\.org\/version\/1/);
    expect(feed.items.map((item: { title: string }) => item.title)).toEqual(['Visitor log 2.0.0', 'Room booking 1.2.0']);
    expect(feed.items[0].url).toMatch(/\/apps\/[0-9a-f-]{36}$/);
    expect(json.body).not.toContain(token);
  });

  it('a feed token opens the feeds and nothing else, and stops working when revoked', async () => {
    const { id, token } = (await call(t.app, member, { method: 'POST', url: '/api/v1/feed-tokens', payload: {} })).json();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/apps', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/auth/me?token=${token}` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/feed-tokens', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);

    // Another user cannot revoke it; its owner can.
    expect((await call(t.app, admin, { method: 'DELETE', url: `/api/v1/feed-tokens/${id}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/feeds/catalog.json?token=${token}` })).statusCode).toBe(200);
    expect((await call(t.app, member, { method: 'DELETE', url: `/api/v1/feed-tokens/${id}` })).statusCode).toBe(204);
    const refused = await t.app.inject({ method: 'GET', url: `/api/v1/feeds/catalog.json?token=${token}` });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('FEED_TOKEN_INVALID');
    const listed = (await call(t.app, member, { method: 'GET', url: '/api/v1/feed-tokens' })).json().items.find((item: { id: string }) => item.id === id);
    expect(listed.revokedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token);
  });

  it('says what is wrong with a missing or malformed token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/feeds/catalog.atom' })).statusCode).toBe(400);
    const wrong = await t.app.inject({ method: 'GET', url: '/api/v1/feeds/catalog.atom?token=mpk_abc' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('feed token');
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/feeds/catalog.atom?token=mpf_${'A'.repeat(43)}` })).statusCode).toBe(401);
  });

  it('keeps the feed token out of the request log lines, written at info', async () => {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: 'info' }, 'marketplace', new Writable({ write: (chunk, _encoding, done) => void (lines.push(String(chunk)), done()) }));
    const logged = await createTestApp({ database: t.database, logger: logger.child({ component: 'http' }) });
    try {
      const { token } = (await call(logged.app, member, { method: 'POST', url: '/api/v1/feed-tokens', payload: { name: 'Logged reader' } })).json();
      expect((await logged.app.inject({ method: 'GET', url: `/api/v1/feeds/catalog.atom?token=${token}` })).statusCode).toBe(200);
      // Percent-encoded, it still opens the feed, and still stays out of the log.
      expect((await logged.app.inject({ method: 'GET', url: `/api/v1/feeds/catalog.json?token=${token.replace('_', '%5F')}` })).statusCode).toBe(200);
      // A revoked or unknown token is refused with a logged 401: not in that line either.
      expect((await logged.app.inject({ method: 'GET', url: `/api/v1/feeds/catalog.atom?token=mpf_${'B'.repeat(43)}` })).statusCode).toBe(401);
      const requestLines = lines.map((line) => JSON.parse(line) as { level: number; msg: string; req?: { url: string } }).filter((line) => line.req && line.req.url.includes('/feeds/catalog'));
      expect(requestLines.map((line) => [line.level, line.msg, line.req!.url])).toEqual([
        [30, 'incoming request', '/api/v1/feeds/catalog.atom?token=[redacted]'],
        [30, 'incoming request', '/api/v1/feeds/catalog.json?token=[redacted]'],
        [30, 'incoming request', '/api/v1/feeds/catalog.atom?token=[redacted]'],
      ]);
      const all = lines.join('');
      expect(all).not.toContain(token.slice(4));
      expect(all).not.toContain('B'.repeat(43));
    } finally {
      await logged.close();
    }
  });
});
