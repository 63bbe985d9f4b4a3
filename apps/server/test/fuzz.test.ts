import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, register, type TestApp } from './helper.js';
import { documentedRoutes, fillPath, isEventStream, type DocumentedRoute } from './openapi-routes.js';

/** Generated junk at every documented route: whatever arrives, the answer is never a 5xx. */
let t: TestApp;
let routes: DocumentedRoute[];
let headers: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  routes = await documentedRoutes(t.app);
  const admin = await register(t.app);
  headers = { 'x-api-key': (await call(t.app, admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'fuzz', roles: ['admin'] } })).json().key };
});
afterAll(async () => t.close());

const junkId = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.constant('../../etc/passwd'), fc.constant('%00'), fc.constant('1 OR 1=1'));
const junkQuery = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String)), { maxKeys: 4 });
const junkBody = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.string({ maxLength: 200 }), fc.constant(null));

describe('fuzzing every route from the OpenAPI document', () => {
  it('never answers 5xx to generated input, signed in or not', async () => {
    const failures: string[] = [];
    // The event stream never ends under inject(); events.test.ts drives it through a real server.
    for (const route of routes.filter((r) => !isEventStream(r))) {
      await fc.assert(
        fc.asyncProperty(junkId, junkQuery, junkBody, fc.boolean(), async (id, query, body, signedIn) => {
          const url = `${fillPath(route.path, encodeURIComponent(id))}?${new URLSearchParams(query).toString()}`;
          const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
          const response = await t.app.inject({
            method: route.method as any,
            url,
            headers: { ...(signedIn ? headers : {}), ...(hasBody ? { 'content-type': 'application/json' } : {}) },
            ...(hasBody ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
          });
          if (response.statusCode >= 500 && response.statusCode !== 503) failures.push(`${route.method} ${url} → ${response.statusCode} ${response.body.slice(0, 200)}`);
          return response.statusCode < 500 || response.statusCode === 503;
        }),
        { numRuns: 25 },
      ).catch(() => undefined);
    }
    expect(failures).toEqual([]);
  });
});
