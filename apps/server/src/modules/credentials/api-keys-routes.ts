import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '../../errors/app-error.js';
import { idParams, iso, isoOrNull, withErrors } from '../../http/responses.js';
import { roleSchema } from '../accounts/account-schemas.js';
import { hasRole } from '../auth/principal.js';
import { newApiKey } from '../../security/secrets.js';
import { findApiKey, insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from './credentials-repository.js';

const ADMIN = { roles: ['admin' as const], principals: ['user' as const] };
const apiKeySchema = z
  .object({ id: z.string(), name: z.string(), prefix: z.string(), roles: z.array(roleSchema), createdAt: z.string(), expiresAt: z.string().nullable(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() })
  .meta({ id: 'ApiKey' });

const toPublic = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  prefix: `mpk_${row.prefix}`,
  roles: row.roles,
  createdAt: iso(row.created_at),
  expiresAt: isoOrNull(row.expires_at),
  lastUsedAt: isoOrNull(row.last_used_at),
  revokedAt: isoOrNull(row.revoked_at),
});

/** API keys: hashed at rest, shown once, limited to roles the creator has, revocable. */
export default async function apiKeysRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/api-keys', {
    config: { auth: ADMIN },
    schema: { tags: ['api-keys'], summary: 'List API keys', response: withErrors({ 200: z.object({ items: z.array(apiKeySchema) }) }) },
    handler: async (request) => {
      const rows = await listApiKeys(app.db, request.principal!.orgId);
      return { items: rows.map(toPublic) };
    },
  });

  app.post('/api-keys', {
    config: { auth: ADMIN, audit: 'api_key.create' },
    schema: {
      tags: ['api-keys'],
      summary: 'Create an API key (the key is in this response only)',
      body: z.object({ name: z.string().trim().min(1).max(120), roles: z.array(roleSchema).min(1).max(4).default(['member']), expiresInDays: z.number().int().min(1).max(3650).optional() }).strict(),
      response: withErrors({ 201: apiKeySchema.extend({ key: z.string().describe('Shown once: store it now') }) }),
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      const roles = [...new Set(request.body.roles)];
      const beyond = roles.filter((role) => !hasRole(principal, role));
      if (beyond.length) throw new ForbiddenError(`You cannot give a key roles you do not have: ${beyond.join(', ')}.`, 'ROLE_ESCALATION');
      const { prefix, key, secretHash } = newApiKey();
      const row = await insertApiKey(app.db, {
        orgId: principal.orgId,
        name: request.body.name,
        prefix,
        secretHash,
        roles,
        createdBy: principal.userId,
        expiresAt: request.body.expiresInDays ? new Date(Date.now() + request.body.expiresInDays * 86_400_000) : null,
      });
      request.auditInfo = { targetType: 'api_key', targetId: row.id, details: { name: row.name, roles } };
      return reply.status(201).send({ ...toPublic(row), key });
    },
  });

  app.get('/api-keys/:id', {
    config: { auth: ADMIN },
    schema: { tags: ['api-keys'], summary: 'Get an API key (never the secret)', params: idParams, response: withErrors({ 200: apiKeySchema }, [404]) },
    handler: async (request) => {
      const row = await findApiKey(app.db, request.principal!.orgId, request.params.id);
      if (!row) throw new NotFoundError('API key', request.params.id);
      return toPublic(row);
    },
  });

  app.delete('/api-keys/:id', {
    config: { auth: ADMIN, audit: 'api_key.revoke' },
    schema: { tags: ['api-keys'], summary: 'Revoke an API key', params: idParams, response: withErrors({ 204: z.null() }, [404]) },
    handler: async (request, reply) => {
      const row = await revokeApiKey(app.db, request.principal!.orgId, request.params.id);
      if (!row) throw new NotFoundError('API key', request.params.id);
      app.credentialCache.forgetApiKey(row.prefix);
      request.auditInfo = { targetType: 'api_key', targetId: row.id };
      return reply.status(204).send(null);
    },
  });
}
