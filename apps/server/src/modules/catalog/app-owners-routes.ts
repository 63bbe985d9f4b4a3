import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../errors/app-error.js';
import { idParams, iso, withErrors } from '../../http/responses.js';
import { hasRole, type Principal } from '../auth/principal.js';
import { addOwner, findAppName, findOrgUser, isAppOwner, listOwners, orgGroupExists, removeOwner } from './app-owners.js';

const ownerSchema = z
  .object({ id: z.string(), kind: z.enum(['user', 'group']), userId: z.string().nullable(), groupId: z.string().nullable(), name: z.string(), email: z.string().nullable(), addedAt: z.string() })
  .meta({ id: 'AppOwner' });
const ownersResponse = z.object({ items: z.array(ownerSchema), canManage: z.boolean() });
const uuid = z.uuid({ message: 'must be a UUID' });
const addOwnerBody = z
  .object({ userId: uuid.optional(), email: z.email({ message: 'must be an e-mail address' }).max(320).optional(), groupId: uuid.optional() })
  .strict()
  .describe('Exactly one of userId, email or groupId');
const ownerParams = z.object({ id: uuid, ownerId: uuid }).strict();

/** Owners of an app: who may publish its new versions. Owners (and admins) add and remove co-owners. */
export default async function appOwnersRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  async function findApp(orgId: string, id: string) {
    const row = await findAppName(app.db, orgId, id);
    if (!row) throw new NotFoundError('App', id);
    return row;
  }

  async function mayManage(principal: Principal, appId: string): Promise<boolean> {
    if (hasRole(principal, 'admin')) return true;
    return !!principal.userId && (await isAppOwner(app.db, appId, principal.userId));
  }

  async function ownersOf(principal: Principal, appId: string) {
    const rows = await listOwners(app.db, principal.orgId, appId);
    const items = rows.map((row) => ({
      id: row.id,
      kind: row.user_id ? ('user' as const) : ('group' as const),
      userId: row.user_id,
      groupId: row.group_id,
      name: (row.user_id ? row.user_name : row.group_name) ?? '',
      email: row.user_email ?? null,
      addedAt: iso(row.created_at),
    }));
    return { items, canManage: await mayManage(principal, appId) };
  }

  app.get('/apps/:id/owners', {
    schema: { tags: ['catalog'], summary: 'The owners of an app (users and groups)', params: idParams, response: withErrors({ 200: ownersResponse }, [404]) },
    handler: async (request) => {
      const target = await findApp(request.principal!.orgId, request.params.id);
      return ownersOf(request.principal!, target.id);
    },
  });

  app.post('/apps/:id/owners', {
    config: { audit: 'app.owner_add' },
    schema: { tags: ['catalog'], summary: 'Add a user or group as co-owner (owners and admins)', params: idParams, body: addOwnerBody, response: withErrors({ 201: ownersResponse }, [400, 403, 404]) },
    handler: async (request, reply) => {
      const principal = request.principal!;
      const target = await findApp(principal.orgId, request.params.id);
      request.auditInfo = { targetType: 'app', targetId: target.id, details: { ...request.body } };
      if (!(await mayManage(principal, target.id))) throw new ForbiddenError(`Only the owners of "${target.name}" or an admin can change its owners; ask one of them.`, 'APP_OWNER_REQUIRED');
      const { userId, email, groupId } = request.body;
      // Checked after the app is found, so another organisation's app id answers 404 whatever the body.
      if ([userId, email, groupId].filter(Boolean).length !== 1) throw new BadRequestError('Send exactly one of "userId", "email" or "groupId".', 'OWNER_REQUIRED');
      let owner: { userId?: string; groupId?: string } = { groupId };
      if (userId || email) {
        const user = await findOrgUser(app.db, principal.orgId, userId ? { userId } : { email: email! });
        if (!user) throw new BadRequestError(`There is no user ${userId ? `'${userId}'` : `with the e-mail ${email}`} in your organization; check the address or invite them first.`, 'OWNER_UNKNOWN');
        if (user.status !== 'active') throw new BadRequestError('That user is disabled; a disabled user cannot own an app.', 'OWNER_DISABLED');
        owner = { userId: user.id };
      } else {
        if (!(await orgGroupExists(app.db, principal.orgId, groupId!))) throw new BadRequestError(`There is no group '${groupId}' in your organization; pick one from GET /api/v1/groups.`, 'OWNER_UNKNOWN');
      }
      const ownerId = await addOwner(app.db, principal.orgId, target.id, owner, principal.userId);
      request.auditInfo.details = { ...owner, ownerId };
      return reply.status(201).send(await ownersOf(principal, target.id));
    },
  });

  app.delete('/apps/:id/owners/:ownerId', {
    config: { audit: 'app.owner_remove' },
    schema: { tags: ['catalog'], summary: 'Remove an owner (owners and admins; the last owner stays)', params: ownerParams, response: withErrors({ 200: ownersResponse }, [403, 404, 409]) },
    handler: async (request) => {
      const principal = request.principal!;
      const target = await findApp(principal.orgId, request.params.id);
      request.auditInfo = { targetType: 'app', targetId: target.id, details: { ownerId: request.params.ownerId } };
      if (!(await mayManage(principal, target.id))) throw new ForbiddenError(`Only the owners of "${target.name}" or an admin can change its owners; ask one of them.`, 'APP_OWNER_REQUIRED');
      const removed = await removeOwner(app.db, target.id, request.params.ownerId);
      if (removed === 'not-found') throw new NotFoundError('Owner', request.params.ownerId);
      if (removed === 'last-owner') throw new ConflictError(`This is the last owner of "${target.name}"; add another owner first.`, 'LAST_OWNER');
      request.auditInfo.details = { ownerId: removed.id, userId: removed.user_id, groupId: removed.group_id };
      return ownersOf(principal, target.id);
    },
  });
}
