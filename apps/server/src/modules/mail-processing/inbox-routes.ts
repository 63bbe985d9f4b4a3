import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, iso, isoOrNull, optionalQuery, pagination, withErrors } from '../../http/responses.js';
import { hasRole, type Principal } from '../auth/principal.js';
import { findInboxMessage, listInbox, threadMessages } from './inbox-repository.js';
import { sendInboxReply } from './inbox-reply.js';
import { MailProcessingError } from './mail-processing-error.js';

const threadItemSchema = z.object({ id: z.string(), direction: z.enum(['in', 'out']), sender: z.string(), subject: z.string(), body: z.string(), createdAt: z.string() }).meta({ id: 'InboxThreadItem' });
const messageSchema = z
  .object({
    id: z.string(),
    threadId: z.string(),
    app: z.object({ id: z.string(), name: z.string(), title: z.string() }),
    senderVersion: z.string().nullable(),
    sender: z.string(),
    subject: z.string(),
    summary: z.string(),
    classification: z.string(),
    language: z.string(),
    draft: z.string().nullable(),
    state: z.string(),
    repliedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'InboxMessage' });
const detailSchema = messageSchema.extend({ body: z.string(), thread: z.array(threadItemSchema) }).meta({ id: 'InboxMessageDetail' });

type Row = NonNullable<Awaited<ReturnType<typeof findInboxMessage>>>;
const view = (row: Row) => ({
  id: row.id,
  threadId: row.thread_id,
  app: { id: row.app_id, name: row.app_name, title: row.app_title },
  senderVersion: row.sender_version,
  sender: row.sender,
  subject: row.subject,
  summary: row.summary,
  classification: row.classification,
  language: row.language,
  draft: row.draft,
  state: row.state,
  repliedAt: isoOrNull(row.replied_at),
  createdAt: iso(row.created_at),
});

/** Feedback and bug reports about an app, in its owners' inbox (admins see every app's), with a drafted reply to edit and send. */
export default async function inboxRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const viewerOf = (principal: Principal) => ({ userId: principal.userId, admin: hasRole(principal, 'admin') });
  const notFound = (id: string) => new MailProcessingError('MESSAGE_NOT_FOUND', `No message ${id} in the inbox of an app you own; see GET /api/v1/messages.`);

  app.get('/messages', {
    schema: {
      tags: ['mail'],
      summary: "Messages about the caller's apps (feedback, bug reports), newest first",
      querystring: z.object({ ...pagination, appId: optionalQuery(z.uuid()) }).strict(),
      response: withErrors({ 200: z.object({ items: z.array(messageSchema) }) }),
    },
    handler: async (request) => {
      const rows = await listInbox(app.db, request.principal!.orgId, viewerOf(request.principal!), request.query);
      return { items: rows.map(view) };
    },
  });

  app.get('/messages/:id', {
    schema: { tags: ['mail'], summary: 'One message with its thread and the drafted reply', params: idParams, response: withErrors({ 200: detailSchema }, [404]) },
    handler: async (request) => {
      const row = await findInboxMessage(app.db, request.principal!.orgId, request.params.id, viewerOf(request.principal!));
      if (!row || row.direction !== 'in') throw notFound(request.params.id);
      const thread = await threadMessages(app.db, request.principal!.orgId, row.thread_id);
      return { ...view(row), body: row.body, thread: thread.map((t) => ({ id: t.id, direction: t.direction, sender: t.sender, subject: t.subject, body: t.body, createdAt: iso(t.created_at) })) };
    },
  });

  app.post('/messages/:id/reply', {
    config: { audit: 'message.reply' },
    schema: {
      tags: ['mail'],
      summary: "Send the (edited) reply from the marketplace's address, in the message's thread",
      params: idParams,
      body: z.object({ text: z.string().trim().min(1, 'write the reply').max(20_000) }).strict(),
      response: withErrors({ 201: z.object({ id: z.string(), messageId: z.string() }) }, [404, 502, 503]),
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      const row = await findInboxMessage(app.db, principal.orgId, request.params.id, viewerOf(principal));
      if (!row || row.direction !== 'in') throw notFound(request.params.id);
      const sent = await sendInboxReply(app.db, app.conversationServices.mail, { orgId: principal.orgId, userId: principal.userId, message: row, text: request.body.text });
      request.auditInfo = { targetType: 'message', targetId: row.id };
      return reply.status(201).send(sent);
    },
  });
}
