import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { idParams, iso, withErrors } from '../../http/responses.js';
import { expireSenderConfirmation, findSenderConfirmation } from '../mail-intake/sender-confirmations-repository.js';
import { runConfirmed } from './mail-conversations.js';
import { pendingConfirmations } from './sender-confirmation.js';

/** Only a signed-in person confirms that a mail was theirs (not an API key, not an agent). */
const SIGNED_IN = { principals: ['user' as const] };
const pendingSchema = z.object({ id: z.string(), address: z.string(), subject: z.string(), receivedAt: z.string(), expiresAt: z.string() }).meta({ id: 'PendingMailConfirmation' });

function userOf(request: FastifyRequest): string {
  const userId = request.principal?.userId;
  if (!userId) throw new AppError('USER_REQUIRED', 403, 'Confirming a mail needs a signed-in user.');
  return userId;
}

/**
 * First mails whose sender was not proven wait for their user: listed here, confirmed (the
 * conversation starts, exactly as if the mail had just arrived proven) or dismissed as not theirs.
 */
export default async function mailConfirmationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  async function waiting(request: FastifyRequest, id: string) {
    const row = await findSenderConfirmation(app.db, id, userOf(request));
    if (!row) throw new AppError('MAIL_CONFIRMATION_NOT_FOUND', 404, `No mail of yours waits for confirmation under ${id}; see GET /api/v1/mail-confirmations.`);
    if (row.confirmed_at) throw new AppError('MAIL_CONFIRMATION_USED', 409, 'This mail was confirmed already; its conversation is on the New app page under Your conversations.');
    if (new Date(row.expires_at).getTime() <= Date.now()) throw new AppError('MAIL_CONFIRMATION_EXPIRED', 410, 'This confirmation has expired (24 hours); send the mail again.');
    return row;
  }

  app.get('/mail-confirmations', {
    config: { auth: SIGNED_IN },
    schema: { tags: ['conversations'], summary: 'Mail sent from your address that waits for your confirmation', response: withErrors({ 200: z.object({ items: z.array(pendingSchema) }) }) },
    handler: async (request) => {
      const rows = await pendingConfirmations(app.conversationServices, userOf(request));
      return { items: rows.map((row) => ({ id: row.id, address: row.address, subject: row.subject, receivedAt: iso(row.createdAt), expiresAt: iso(row.expiresAt) })) };
    },
  });

  app.post('/mail-confirmations/:id/confirm', {
    config: { auth: SIGNED_IN, audit: 'mail.sender.confirm' },
    schema: { tags: ['conversations'], summary: 'Confirm that you sent this mail: its conversation starts', params: idParams, response: withErrors({ 200: z.object({ conversationId: z.string() }) }, [404, 409, 410]) },
    handler: async (request) => {
      const row = await waiting(request, request.params.id);
      const started = await runConfirmed(app.conversationServices, row.id);
      if (!started) throw new AppError('MAIL_CONFIRMATION_USED', 409, 'This mail was confirmed already; its conversation is on the New app page under Your conversations.');
      request.auditInfo = { targetType: 'conversation', targetId: started.conversationId, details: { confirmation: row.id, via: 'web' } };
      return started;
    },
  });

  app.delete('/mail-confirmations/:id', {
    config: { auth: SIGNED_IN, audit: 'mail.sender.dismiss' },
    schema: { tags: ['conversations'], summary: 'Not sent by you: the waiting mail is dropped (nothing is built)', params: idParams, response: withErrors({ 204: z.null() }, [404, 409, 410]) },
    handler: async (request, reply) => {
      const row = await waiting(request, request.params.id);
      await expireSenderConfirmation(app.db, row.id);
      request.auditInfo = { targetType: 'mail_confirmation', targetId: row.id, details: { address: row.address } };
      return reply.status(204).send(null);
    },
  });
}
