import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { FastifyInstance } from 'fastify';

/** OpenAPI 3.1 generated from the route schemas; the UI at /docs, the document at /docs/json. */
export default fp(
  async function openapi(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'marketplace API',
          version: '1.0.0',
          description: 'Enterprise app marketplace delivered by email. Errors are RFC 9457 problem+json with a stable `code`.',
        },
        servers: [{ url: app.config.publicUrl }],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API key (mpk_…)' },
            apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
            sessionCookie: { type: 'apiKey', in: 'cookie', name: 'mp_session' },
          },
        },
        security: [{ bearerAuth: [] }, { apiKey: [] }, { sessionCookie: [] }],
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true }, staticCSP: true });
  },
  { name: 'openapi', dependencies: ['database'] },
);
