import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withErrors } from '../../http/responses.js';

const ADMIN = { roles: ['admin' as const], principals: ['user' as const] };
const keyIdParams = z.object({ keyId: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a key id (64 lower-case hex digits)' }) }).strict();

const keysSchema = z
  .object({
    org: z.string(),
    rootPublicKey: z.string(),
    rootFingerprint: z.string(),
    keyList: z.string().describe('The root-signed key list (DSSE envelope JSON) agents verify releases against'),
    keyListVersion: z.number(),
    keys: z.array(z.object({ keyId: z.string(), status: z.enum(['active', 'revoked']), createdAt: z.string(), revokedAt: z.string().optional() })),
  })
  .meta({ id: 'OrgKeys' });

/** The organisation's signing keys: anyone signed in (and every agent) reads them; admins rotate and revoke. */
export default async function orgKeysRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/keys', {
    config: { auth: { principals: ['user', 'api-key', 'agent'] } },
    schema: { tags: ['keys'], summary: 'The current signed key list and root fingerprint', response: withErrors({ 200: keysSchema }) },
    handler: async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return app.orgKeys.publicInfo(request.principal!.orgId);
    },
  });

  app.post('/keys/rotate', {
    config: { auth: ADMIN, audit: 'org_key.rotate' },
    schema: { tags: ['keys'], summary: 'Add a new release key; earlier keys stay valid until revoked', response: withErrors({ 200: z.object({ keyId: z.string(), keyListVersion: z.number() }) }, [409]) },
    handler: async (request) => {
      const result = await app.orgKeys.rotate(request.principal!.orgId);
      request.auditInfo = { targetType: 'release_key', targetId: result.keyId, details: { keyListVersion: result.keyListVersion } };
      return result;
    },
  });

  app.post('/keys/:keyId/revoke', {
    config: { auth: ADMIN, audit: 'org_key.revoke' },
    schema: { tags: ['keys'], summary: 'Revoke a release key: agents refuse every release it signed', params: keyIdParams, response: withErrors({ 200: z.object({ keyListVersion: z.number() }) }, [404, 409]) },
    handler: async (request) => {
      request.auditInfo = { targetType: 'release_key', targetId: request.params.keyId };
      const result = await app.orgKeys.revoke(request.principal!.orgId, request.params.keyId);
      request.auditInfo.details = { keyListVersion: result.keyListVersion };
      return result;
    },
  });
}
