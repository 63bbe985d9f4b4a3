/**
 * Writes apps/web/src/api/openapi.d.ts from the server's OpenAPI document (an in-memory server on
 * embedded defaults): `npm run api-types`.
 */
import { writeFileSync } from 'node:fs';
import { createTestApp } from '../test/helper.js';
import { WEB_API_TYPES_FILE, webApiTypes } from '../test/web-api-types.js';

const server = await createTestApp();
try {
  writeFileSync(WEB_API_TYPES_FILE, await webApiTypes(server.app));
  process.stdout.write(`wrote ${WEB_API_TYPES_FILE}\n`);
} finally {
  await server.close();
}
