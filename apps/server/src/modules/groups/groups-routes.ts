import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../errors/app-error.js';
import { idParams, withErrors } from '../../http/responses.js';
import { checkMembers, deleteGroup, groupView, insertGroup, listGroupIds, renameGroup, setMembers } from './groups-repository.js';

const ADMIN = { roles: ['admin' as const] };
const groupSchema = z.object({ id: z.string(), name: z.string(), members: z.array(z.string()), createdAt: z.string() }).meta({ id: 'Group' });
const nameSchema = z.string().trim().min(1).max(80);

/** Groups of users (a team), e.g. to send a release to at once. */
export default async function groupsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/groups', {
    schema: { tags: ['users'], summary: 'Groups of the organization', response: withErrors({ 200: z.object({ items: z.array(groupSchema) }) }) },
    handler: async (request) => {
      const orgId = request.principal!.orgId;
      const groups = await listGroupIds(app.db, orgId);
      return { items: await Promise.all(groups.map((g) => groupView(app.db, orgId, g.id))) };
    },
  });

  app.post('/groups', {
    config: { auth: ADMIN, audit: 'group.create' },
    schema: { tags: ['users'], summary: 'Create a group', body: z.object({ name: nameSchema, members: z.array(z.uuid()).max(1000).default([]) }).strict(), response: withErrors({ 201: groupSchema }, [409]) },
    handler: async (request, reply) => {
      const orgId = request.principal!.orgId;
      const members = await checkMembers(app.db, orgId, request.body.members);
      const id = randomUUID();
      const inserted = await insertGroup(app.db, id, orgId, request.body.name);
      if (!inserted) throw new ConflictError(`A group named "${request.body.name}" already exists.`, 'GROUP_EXISTS');
      await setMembers(app.db, id, members);
      request.auditInfo = { targetType: 'group', targetId: id, details: { name: request.body.name, members: request.body.members.length } };
      return reply.status(201).send(await groupView(app.db, orgId, id));
    },
  });

  app.get('/groups/:id', {
    schema: { tags: ['users'], summary: 'A group and its members', params: idParams, response: withErrors({ 200: groupSchema }, [404]) },
    handler: async (request) => groupView(app.db, request.principal!.orgId, request.params.id),
  });

  app.put('/groups/:id', {
    config: { auth: ADMIN, audit: 'group.update' },
    schema: { tags: ['users'], summary: 'Rename a group or replace its members', params: idParams, body: z.object({ name: nameSchema.optional(), members: z.array(z.uuid()).max(1000).optional() }).strict(), response: withErrors({ 200: groupSchema }, [404]) },
    handler: async (request) => {
      const orgId = request.principal!.orgId;
      await groupView(app.db, orgId, request.params.id);
      const members = request.body.members ? await checkMembers(app.db, orgId, request.body.members) : undefined;
      if (request.body.name) await renameGroup(app.db, orgId, request.params.id, request.body.name);
      if (members) await setMembers(app.db, request.params.id, members);
      request.auditInfo = { targetType: 'group', targetId: request.params.id, details: { ...(request.body.members ? { members: request.body.members.length } : {}) } };
      return groupView(app.db, orgId, request.params.id);
    },
  });

  app.delete('/groups/:id', {
    config: { auth: ADMIN, audit: 'group.delete' },
    schema: { tags: ['users'], summary: 'Delete a group (its members stay)', params: idParams, response: withErrors({ 204: z.null() }, [404]) },
    handler: async (request, reply) => {
      const deleted = await deleteGroup(app.db, request.principal!.orgId, request.params.id);
      if (!deleted) throw new NotFoundError('Group', request.params.id);
      request.auditInfo = { targetType: 'group', targetId: request.params.id };
      return reply.status(204).send(null);
    },
  });
}
