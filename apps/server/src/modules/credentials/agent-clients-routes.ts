import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, NotFoundError, UnauthorizedError } from '../../errors/app-error.js';
import { idParams, withErrors } from '../../http/responses.js';
import { hashSecret, sameHash } from '../../security/secrets.js';
import { createAgentClient, toPublic } from './agent-clients.js';
import { creatorIsActive, findAgentClient, findAgentClientByClientId, listAgentClients, markTokenIssued, revokeAgentClient } from './credentials-repository.js';

const ADMIN = { roles: ['admin' as const], principals: ['user' as const] };
const AGENT_TOKEN_TTL_SECONDS = 600;
const clientSchema = z
  .object({ id: z.string(), name: z.string(), clientId: z.string(), createdAt: z.string(), lastTokenAt: z.string().nullable(), revokedAt: z.string().nullable() })
  .meta({ id: 'AgentClient' });

const invalidClient = () => new AppError('INVALID_CLIENT', 401, 'Unknown or revoked client, or wrong client secret.', { details: { error: 'invalid_client' }, headers: { 'www-authenticate': 'Basic realm="marketplace"' } });

export default async function agentClientsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/agent-clients', {
    config: { auth: ADMIN },
    schema: { tags: ['agents'], summary: 'List agent clients', response: withErrors({ 200: z.object({ items: z.array(clientSchema) }) }) },
    handler: async (request) => {
      const rows = await listAgentClients(app.db, request.principal!.orgId);
      return { items: rows.map(toPublic) };
    },
  });

  app.post('/agent-clients', {
    config: { auth: ADMIN, audit: 'agent_client.create' },
    schema: {
      tags: ['agents'],
      summary: 'Create agent client credentials (the secret is in this response only)',
      body: z.object({ name: z.string().trim().min(1).max(120) }).strict(),
      response: withErrors({ 201: clientSchema.extend({ clientSecret: z.string() }) }),
    },
    handler: async (request, reply) => {
      const client = await createAgentClient(app.db, request.principal!.orgId, request.principal!.userId, request.body.name);
      request.auditInfo = { targetType: 'agent_client', targetId: client.id, details: { name: client.name } };
      return reply.status(201).send(client);
    },
  });

  app.get('/agent-clients/:id', {
    config: { auth: ADMIN },
    schema: { tags: ['agents'], summary: 'Get an agent client', params: idParams, response: withErrors({ 200: clientSchema }, [404]) },
    handler: async (request) => {
      const row = await findAgentClient(app.db, request.principal!.orgId, request.params.id);
      if (!row) throw new NotFoundError('Agent client', request.params.id);
      return toPublic(row);
    },
  });

  app.delete('/agent-clients/:id', {
    config: { auth: ADMIN, audit: 'agent_client.revoke' },
    schema: { tags: ['agents'], summary: 'Revoke an agent client', params: idParams, response: withErrors({ 204: z.null() }, [404]) },
    handler: async (request, reply) => {
      const row = await revokeAgentClient(app.db, request.principal!.orgId, request.params.id);
      if (!row) throw new NotFoundError('Agent client', request.params.id);
      app.credentialCache.forgetAgent(row.id);
      request.auditInfo = { targetType: 'agent_client', targetId: row.id };
      return reply.status(204).send(null);
    },
  });

  // RFC 6749 §4.4: client credentials, from HTTP Basic or the body (JSON or form-encoded).
  app.post('/oauth/token', {
    config: { auth: false, audit: 'agent.token', rateLimit: { max: 60, timeWindow: 60_000 } },
    schema: {
      tags: ['agents'],
      summary: 'OAuth2 client-credentials grant → short-lived agent token',
      security: [],
      body: z.object({ grant_type: z.literal('client_credentials'), client_id: z.string().max(100).optional(), client_secret: z.string().max(200).optional(), scope: z.string().max(200).optional() }).strict(),
      response: withErrors({ 200: z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number() }) }),
    },
    handler: async (request, reply) => {
      let clientId = request.body.client_id;
      let clientSecret = request.body.client_secret;
      const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
      if (basic) {
        const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) [clientId, clientSecret] = [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
      }
      if (!clientId || !clientSecret) throw invalidClient();
      const row = await findAgentClientByClientId(app.db, clientId);
      request.auditInfo = row ? { orgId: row.org_id, actorId: row.id, actorType: 'agent' } : { details: { clientId } };
      if (!row || row.revoked_at || !sameHash(row.secret_hash, hashSecret(clientSecret))) throw invalidClient();
      if (row.created_by && !(await creatorIsActive(app.db, row.created_by))) {
        throw new UnauthorizedError('The account that created this agent client is disabled; an admin must enrol the agent again.', 'AGENT_OWNER_DISABLED');
      }
      await markTokenIssued(app.db, row.id);
      const token = await app.tokens.sign({ sub: `agent:${row.id}`, org: row.org_id, roles: [] }, AGENT_TOKEN_TTL_SECONDS);
      reply.header('cache-control', 'no-store');
      return { access_token: token, token_type: 'Bearer' as const, expires_in: AGENT_TOKEN_TTL_SECONDS };
    },
  });
}
