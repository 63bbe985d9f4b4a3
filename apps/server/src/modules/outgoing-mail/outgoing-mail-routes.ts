import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, optionalQuery, pagination, withErrors } from '../../http/responses.js';
import { getOutgoingMail, listOutgoingMail } from './outgoing-mail-repository.js';
import { OutgoingMailError } from './outgoing-mail-error.js';
import { outgoingMailSchema } from './outgoing-mail-schemas.js';

const ADMIN = { roles: ['admin' as const] };

/** Every mail the server sent or refused to send, with what became of each recipient. */
export default async function outgoingMailRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/outgoing-mail', {
    config: { auth: ADMIN },
    schema: {
      tags: ['mail'],
      summary: 'Outgoing mail, newest first, with per-recipient delivery',
      querystring: z.object({ ...pagination, state: optionalQuery(z.enum(['sent', 'blocked', 'failed'])), kind: optionalQuery(z.string().max(64)) }).strict(),
      response: withErrors({ 200: z.object({ items: z.array(outgoingMailSchema), total: z.number().int() }) }),
    },
    handler: async (request) => listOutgoingMail(app.db, request.principal!.orgId, request.query),
  });

  app.get('/outgoing-mail/:id', {
    config: { auth: ADMIN },
    schema: { tags: ['mail'], summary: 'One outgoing mail with per-recipient delivery', params: idParams, response: withErrors({ 200: outgoingMailSchema }, [404]) },
    handler: async (request) => {
      const mail = await getOutgoingMail(app.db, request.principal!.orgId, request.params.id);
      if (!mail) throw new OutgoingMailError('MAIL_NOT_FOUND', `No outgoing mail ${request.params.id}; see GET /api/v1/outgoing-mail.`);
      return mail;
    },
  });
}
