import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, iso, isoOrNull, withErrors } from '../../http/responses.js';
import { MailIntakeError } from './mail-intake-error.js';
import { deleteQuarantinedMail, listQuarantinedMail, quarantinedRaw, releaseQuarantinedMail } from './mail-quarantine.js';

const ADMIN = { roles: ['admin' as const] };
const itemSchema = z
  .object({
    id: z.string(),
    messageId: z.string(),
    envelopeFrom: z.string(),
    envelopeTo: z.array(z.string()),
    subject: z.string(),
    clientAddress: z.string().nullable(),
    size: z.number(),
    reason: z.string().nullable(),
    attempts: z.number(),
    receivedAt: z.string(),
    quarantinedAt: z.string().nullable(),
  })
  .meta({ id: 'QuarantinedMail' });

const notFound = (id: string) => new MailIntakeError('MAIL_NOT_FOUND', `No quarantined mail ${id} in your organisation; see GET /api/v1/mail-quarantine.`);

/**
 * Incoming mail that failed in processing (poison mail) waits here for an admin of the sender's
 * organisation: listed with the reason, downloaded raw, released for one more try, or deleted.
 */
export default async function mailQuarantineRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/mail-quarantine', {
    config: { auth: ADMIN },
    schema: { tags: ['mail'], summary: 'Incoming mail set aside after it failed in processing', response: withErrors({ 200: z.object({ items: z.array(itemSchema) }) }) },
    handler: async (request) => {
      const rows = await listQuarantinedMail(app.db, app.config.dataDir, request.principal!.orgId);
      return { items: rows.map((row) => ({ ...row, receivedAt: iso(row.receivedAt), quarantinedAt: isoOrNull(row.quarantinedAt) })) };
    },
  });

  app.get('/mail-quarantine/:id/raw', {
    config: { auth: ADMIN, audit: 'mail.quarantine.download' },
    schema: { tags: ['mail'], summary: 'Download the quarantined message as it arrived (.eml)', params: idParams, response: withErrors({ 200: z.any() }, [404]) },
    handler: async (request, reply) => {
      const raw = await quarantinedRaw(app.db, app.config.dataDir, request.principal!.orgId, request.params.id);
      if (!raw) throw notFound(request.params.id);
      request.auditInfo = { targetType: 'incoming_mail', targetId: request.params.id };
      return reply.type('message/rfc822').header('content-disposition', `attachment; filename="quarantined-${request.params.id}.eml"`).header('x-content-type-options', 'nosniff').send(raw);
    },
  });

  app.post('/mail-quarantine/:id/release', {
    config: { auth: ADMIN, audit: 'mail.quarantine.release' },
    schema: { tags: ['mail'], summary: 'Process the message once more (after the cause was fixed)', params: idParams, response: withErrors({ 202: z.object({ id: z.string(), state: z.literal('stored') }) }, [404]) },
    handler: async (request, reply) => {
      if (!(await releaseQuarantinedMail(app.db, request.principal!.orgId, request.params.id))) throw notFound(request.params.id);
      request.auditInfo = { targetType: 'incoming_mail', targetId: request.params.id };
      app.mailQueue.kick();
      return reply.status(202).send({ id: request.params.id, state: 'stored' as const });
    },
  });

  app.delete('/mail-quarantine/:id', {
    config: { auth: ADMIN, audit: 'mail.quarantine.delete' },
    schema: { tags: ['mail'], summary: 'Delete the quarantined message for good', params: idParams, response: withErrors({ 204: z.null() }, [404]) },
    handler: async (request, reply) => {
      if (!(await deleteQuarantinedMail(app.db, request.principal!.orgId, request.params.id))) throw notFound(request.params.id);
      request.auditInfo = { targetType: 'incoming_mail', targetId: request.params.id };
      return reply.status(204).send(null);
    },
  });
}
