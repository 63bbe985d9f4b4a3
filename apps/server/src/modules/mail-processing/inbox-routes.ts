import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, iso, isoOrNull, optionalQuery, pagination, withErrors } from '../../http/responses.js';
import { relayedNoticeSchema } from '../../http/notice.js';
import { hasRole, type Principal } from '../auth/principal.js';
import { findInboxMessage, listInbox, threadMessages } from './inbox-repository.js';
import { sendInboxReply } from './inbox-reply.js';
import { translateDraft } from './translate-draft.js';
import { MailProcessingError } from './mail-processing-error.js';
import { reporterChangeOf } from './reporter-change.js';
import { deliveryOfInboxMessages } from '../outgoing-mail/outgoing-mail-repository.js';
import { recipientDeliverySchema } from '../outgoing-mail/outgoing-mail-schemas.js';

const threadItemSchema = z
  .object({
    id: z.string(),
    direction: z.enum(['in', 'out']),
    sender: z.string(),
    subject: z.string(),
    body: z.string(),
    createdAt: z.string(),
    delivery: z.array(recipientDeliverySchema).nullable().describe('An `out` message: what became of each recipient (SMTP answer, then bounce reports); null for `in`'),
  })
  .meta({ id: 'InboxThreadItem' });
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
const changeSchema = z
  .object({
    id: z.string(),
    text: z.string().describe('The change in words the owner sent with the reply'),
    state: z.enum(['requested', 'building', 'published', 'failed']).describe('requested: the conversation still has a question open; building: its request runs; published: in `version`; failed: `error` says why'),
    conversationId: z.string().nullable(),
    requestId: z.string().nullable(),
    version: z.string().nullable(),
    error: z.string().nullable(),
    errorNotice: relayedNoticeSchema.nullable().describe('error as a code and parameters (failure.*), worded by the UI in the reader’s language'),
    notified: z.boolean().describe('The reporter was mailed that the fix is published'),
    createdAt: z.string(),
  })
  .meta({ id: 'InboxChange' });
const reporterChangeSchema = z
  .object({
    id: z.string(),
    text: z.string().describe('The change in words the reporter asked for (their `CHANGE:` line)'),
    policy: z.enum(['off', 'with-owner-approval', 'allowed']).describe('`inbox.reporterChanges` when it arrived'),
    state: z.enum(['suggested', 'awaiting-owner', 'rejected', 'building', 'needs-answer', 'not-understood']).describe('suggested: passed to the owners only; awaiting-owner: approve or reject it (POST …/reporter-change); building / needs-answer: built on an owner\'s behalf (see `changes`); rejected: `reason` was sent to the reporter'),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    reason: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'InboxReporterChange' });
const detailSchema = messageSchema
  .extend({ body: z.string(), thread: z.array(threadItemSchema), changes: z.array(changeSchema), reporterChange: reporterChangeSchema.nullable().describe("This message is a reporter's `CHANGE:` reply: what it asked and what became of it") })
  .meta({ id: 'InboxMessageDetail' });
const replyBody = z
  .object({
    text: z.string().trim().min(1, 'write the reply').max(20_000),
    applyAsChange: z.boolean().optional().describe("Also change the app (owners only): the change goes through the conversation engine and is built as the app's next version; the reporter is mailed when it is published"),
    change: z.string().trim().min(3, 'say the change in words, e.g. "add a notes field"').max(4_000).optional().describe('The change in words (EN/PL); `text` when omitted'),
  })
  .strict()
  .refine((body) => body.applyAsChange || body.change === undefined, { message: 'change is only read with applyAsChange: true', path: ['change'] });
const changeOutcomeSchema = z.object({ id: z.string(), state: z.enum(['building', 'needs-answer']), conversationId: z.string().nullable(), requestId: z.string().nullable(), reply: z.string().describe("The conversation engine's answer: what changed, what is still open") });

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
      const changes = await app.inboxChanges.changesOf(request.principal!.orgId, row.thread_id);
      const asked = await reporterChangeOf(app.db, request.principal!.orgId, row.id);
      const delivery = await deliveryOfInboxMessages(app.db, request.principal!.orgId, thread.filter((t) => t.direction === 'out').map((t) => t.id));
      return {
        ...view(row),
        body: row.body,
        changes: changes.map((c) => ({ ...c, createdAt: iso(c.createdAt) })),
        reporterChange: asked ? { id: asked.id, text: asked.change_text, policy: asked.policy, state: asked.state, decidedBy: asked.decided_by, decidedAt: isoOrNull(asked.decided_at), reason: asked.reason, createdAt: iso(asked.created_at) } : null,
        thread: thread.map((t) => ({ id: t.id, direction: t.direction, sender: t.sender, subject: t.subject, body: t.body, createdAt: iso(t.created_at), delivery: t.direction === 'out' ? (delivery.get(t.id)?.recipients ?? []) : null })),
      };
    },
  });

  app.post('/messages/:id/translate', {
    schema: {
      tags: ['mail'],
      summary: "Translate a reply draft into the recipient's language (the message's, unless `language` says otherwise)",
      description: "With a language model configured (LLM providers) the text is translated (engine `llm`); without one only the template part (subject, footer) is rendered in that language, the text stays as written and `note` says so (engine `template`). Nothing is sent or saved.",
      params: idParams,
      body: z.object({ text: z.string().trim().min(1, 'write the draft to translate').max(20_000), language: z.enum(['en', 'pl']).optional() }).strict(),
      response: withErrors({ 200: z.object({ text: z.string(), subject: z.string(), language: z.enum(['en', 'pl']), engine: z.enum(['llm', 'template']), note: z.string().nullable() }).meta({ id: 'TranslatedDraft' }) }, [404]),
    },
    handler: async (request) => {
      const principal = request.principal!;
      const row = await findInboxMessage(app.db, principal.orgId, request.params.id, viewerOf(principal));
      if (!row || row.direction !== 'in') throw notFound(request.params.id);
      const gateway = await app.conversationServices.llm.gatewayFor(principal.orgId);
      return translateDraft({ db: app.db, publicUrl: app.config.publicUrl, gateway }, { orgId: principal.orgId, userId: principal.userId, appId: row.app_id, message: row, text: request.body.text, ...(request.body.language ? { target: request.body.language } : {}) });
    },
  });

  app.post('/messages/:id/reply', {
    config: { audit: 'message.reply' },
    schema: {
      tags: ['mail'],
      summary: "Send the (edited) reply from the marketplace's address, in the message's thread; with applyAsChange, also change the app",
      description:
        'A plain reply is only sent. With `applyAsChange: true` (owners of the app only, else 403 APP_OWNER_REQUIRED) the change in words (`change`, else `text`) is a turn of a new conversation of the caller that starts from the app\'s published spec; when it changed the spec and nothing is open, it is built as the next version (same pipeline and approvals), the reply is sent, and the sender is mailed when that version is published. A change the engine could not read is refused (422 CHANGE_NOT_UNDERSTOOD) and nothing is sent. A reply the mail compliance check blocks (a secret, a link to a host not allowed, the required footer missing, too large) is refused with 422 REPLY_BLOCKED and its notice; it is listed under Outgoing mail and the draft is kept.',
      params: idParams,
      body: replyBody,
      response: withErrors({ 201: z.object({ id: z.string(), messageId: z.string(), change: changeOutcomeSchema.optional() }) }, [403, 404, 409, 422, 502, 503]),
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      if (request.body.applyAsChange) {
        const { change, ...sent } = await app.inboxChanges.replyWithChange({ orgId: principal.orgId, userId: principal.userId, messageId: request.params.id, text: request.body.text, change: request.body.change ?? request.body.text });
        request.auditInfo = { targetType: 'message', targetId: request.params.id, details: { change: change.id, requestId: change.requestId, conversationId: change.conversationId } };
        return reply.status(201).send({ ...sent, change: { id: change.id, state: change.state === 'building' ? 'building' : 'needs-answer', conversationId: change.conversationId, requestId: change.requestId, reply: change.reply } });
      }
      const row = await findInboxMessage(app.db, principal.orgId, request.params.id, viewerOf(principal));
      if (!row || row.direction !== 'in') throw notFound(request.params.id);
      const sent = await sendInboxReply(app.db, app.conversationServices.mail, { orgId: principal.orgId, userId: principal.userId, message: row, text: request.body.text });
      request.auditInfo = { targetType: 'message', targetId: row.id };
      return reply.status(201).send(sent);
    },
  });

  app.post('/messages/:id/reporter-change', {
    config: { audit: 'message.reporter-change-decision' },
    schema: {
      tags: ['mail'],
      summary: "Approve or reject a change the reporter asked for by reply (owners of the app; policy inbox.reporterChanges 'with-owner-approval')",
      description:
        "`approve` builds the reporter's change as the app's next version on the caller's behalf: the same conversation engine, pipeline and approvals as an owner's change, the reporter named in the changelog and mailed when the version is published. `reject` mails the reporter `reason`. Owners only (403 APP_OWNER_REQUIRED); a message that is no change waiting for approval is 409 REPORTER_CHANGE_NOT_PENDING; words the engine could not read are 422 CHANGE_NOT_UNDERSTOOD and the change keeps waiting.",
      params: idParams,
      body: z.object({ decision: z.enum(['approve', 'reject']), reason: z.string().trim().max(2_000).optional().describe('Why it is rejected: sent to the reporter') }).strict(),
      response: withErrors({ 200: z.object({ state: z.enum(['rejected', 'building', 'needs-answer']) }) }, [403, 404, 409, 422]),
    },
    handler: async (request) => {
      const principal = request.principal!;
      const row = await findInboxMessage(app.db, principal.orgId, request.params.id, viewerOf(principal));
      if (!row || row.direction !== 'in') throw notFound(request.params.id);
      const decided = await app.inboxChanges.decideReporterChange({ orgId: principal.orgId, userId: principal.userId, messageId: row.id, decision: request.body.decision, reason: request.body.reason });
      request.auditInfo = { targetType: 'message', targetId: row.id, details: { decision: request.body.decision, state: decided.state } };
      return decided;
    },
  });
}
