import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../web/src/api/api-routes.ts';
import { documentedRoutes, type DocumentedRoute } from './openapi-routes.js';
import { createTestApp, type TestApp } from './helper.js';
import { WEB_API_TYPES_FILE, webApiTypes } from './web-api-types.js';

/** The web UI's route table checked against this server's OpenAPI document. */
describe('web UI API client against the OpenAPI document', () => {
  let testApp: TestApp;
  let documented: DocumentedRoute[];
  beforeAll(async () => {
    testApp = await createTestApp();
    documented = await documentedRoutes(testApp.app);
  });
  afterAll(async () => {
    await testApp.close();
  });

  const inDocument = (method: string, path: string) => documented.some((route) => route.method === method && route.path === path);

  it('every route the UI calls is documented with the same method and path', () => {
    const missing = Object.entries(apiRoutes)
      .filter(([, route]) => !inDocument(route.method, route.path))
      .map(([name, route]) => `${name}: ${route.method} ${route.path}`);
    expect(missing).toEqual([]);
  });

  it('the web UI type-checks against types generated from this very document (apps/web/src/api/openapi.d.ts is current)', async () => {
    const current = await webApiTypes(testApp.app);
    // A route's schema changed without `npm run api-types`: the UI's compile-time contract would check against an old API.
    expect(readFileSync(WEB_API_TYPES_FILE, 'utf8') === current, 'apps/web/src/api/openapi.d.ts is stale: run `npm run api-types`, then `npm run typecheck`').toBe(true);
  });

  it('documents the request and response fields the sign-in pages rely on', () => {
    const register = documented.find((route) => route.method === 'POST' && route.path === '/api/v1/auth/register')!;
    const body = register.operation.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['organization', 'name', 'email', 'password', 'cookie']));
    const session = register.operation.responses['201'].content['application/json'].schema;
    const properties = session.properties ?? session.$ref;
    expect(JSON.stringify(properties)).toContain('csrfToken');
  });
});
