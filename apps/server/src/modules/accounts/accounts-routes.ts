import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../errors/app-error.js';
import { idParams, pagination, withErrors } from '../../http/responses.js';
import { email, roleSchema, userSchema } from './account-schemas.js';
import { countActiveAdmins, getUser, listUsers, publicUser, updateUser } from './accounts-repository.js';
import { createInvitation, listInvitations, publicInvitation, getInvitation, revokeInvitation } from './invitations.js';

const ADMIN = { roles: ['admin' as const] };
const invitationSchema = z.object({ id: z.string(), email: z.string(), roles: z.array(roleSchema), state: z.enum(['pending', 'accepted', 'revoked', 'expired']), expiresAt: z.string(), acceptedAt: z.string().nullable(), createdAt: z.string() }).meta({ id: 'Invitation' });

/** Users and invitations of the caller's organisation (admins). */
export default async function accountsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/users', {
    config: { auth: ADMIN },
    schema: { tags: ['users'], summary: 'List users', querystring: z.object({ q: z.string().max(200).optional(), ...pagination }).strict(), response: withErrors({ 200: z.object({ items: z.array(userSchema), total: z.number() }) }) },
    handler: async (request) => {
      const result = await listUsers(app.db, request.principal!.orgId, request.query);
      return { items: result.items.map(publicUser), total: result.total };
    },
  });

  app.get('/users/:id', {
    config: { auth: ADMIN },
    schema: { tags: ['users'], summary: 'Get a user', params: idParams, response: withErrors({ 200: userSchema }, [404]) },
    handler: async (request) => {
      const user = await getUser(app.db, request.principal!.orgId, request.params.id);
      if (!user) throw new NotFoundError('User', request.params.id);
      return publicUser(user);
    },
  });

  app.patch('/users/:id', {
    config: { auth: ADMIN, audit: 'user.update' },
    schema: {
      tags: ['users'],
      summary: 'Change a user’s name, roles, status or mail language',
      params: idParams,
      body: z.object({ name: z.string().trim().min(1).max(120).optional(), roles: z.array(roleSchema).min(1).max(4).optional(), status: z.enum(['active', 'disabled']).optional(), language: z.enum(['en', 'pl']).nullable().optional() }).strict(),
      response: withErrors({ 200: userSchema }, [404, 409]),
    },
    handler: async (request) => {
      const orgId = request.principal!.orgId;
      const user = await getUser(app.db, orgId, request.params.id);
      if (!user) throw new NotFoundError('User', request.params.id);
      const { name, roles, status, language } = request.body;
      const losesAdmin = user.roles.includes('admin') && ((roles && !roles.includes('admin')) || status === 'disabled');
      if (losesAdmin && (await countActiveAdmins(app.db, orgId)) <= 1) {
        throw new ConflictError('This is the last active admin of the organization; make someone else admin first.', 'LAST_ADMIN');
      }
      const updated = await updateUser(app.db, orgId, user.id, { name, roles, status, language });
      request.auditInfo = {
        targetType: 'user',
        targetId: user.id,
        details: { ...(roles ? { roles: { from: user.roles, to: updated.roles } } : {}), ...(status ? { status: { from: user.status, to: status } } : {}) },
      };
      // Roles live in access tokens: end the user's sessions so new roles apply at once.
      if (roles || status === 'disabled') await app.endUserSessions(user.id);
      return publicUser(updated);
    },
  });

  app.get('/invitations', {
    config: { auth: ADMIN },
    schema: { tags: ['users'], summary: 'List invitations', response: withErrors({ 200: z.object({ items: z.array(invitationSchema) }) }) },
    handler: async (request) => ({ items: await listInvitations(app.db, request.principal!.orgId) }),
  });

  app.post('/invitations', {
    config: { auth: ADMIN, audit: 'invitation.create' },
    schema: {
      tags: ['users'],
      summary: 'Invite someone by e-mail (the token is shown once)',
      body: z.object({ email, roles: z.array(roleSchema).min(1).max(4).default(['member']) }).strict(),
      response: withErrors({ 201: invitationSchema.extend({ token: z.string(), acceptUrl: z.string() }) }, [409]),
    },
    handler: async (request, reply) => {
      const invitation = await createInvitation(app.db, request.principal!.orgId, request.principal!.userId, request.body.email, [...new Set(request.body.roles)]);
      request.auditInfo = { targetType: 'invitation', targetId: invitation.id, details: { email: invitation.email, roles: invitation.roles } };
      return reply.status(201).send({ ...invitation, acceptUrl: `${app.config.publicUrl}/invite#${invitation.token}` });
    },
  });

  app.get('/invitations/:id', {
    config: { auth: ADMIN },
    schema: { tags: ['users'], summary: 'Get an invitation', params: idParams, response: withErrors({ 200: invitationSchema }, [404]) },
    handler: async (request) => publicInvitation(await getInvitation(app.db, request.principal!.orgId, request.params.id)),
  });

  app.delete('/invitations/:id', {
    config: { auth: ADMIN, audit: 'invitation.revoke' },
    schema: { tags: ['users'], summary: 'Revoke an invitation', params: idParams, response: withErrors({ 204: z.null() }, [404]) },
    handler: async (request, reply) => {
      await revokeInvitation(app.db, request.principal!.orgId, request.params.id);
      request.auditInfo = { targetType: 'invitation', targetId: request.params.id };
      return reply.status(204).send(null);
    },
  });
}
